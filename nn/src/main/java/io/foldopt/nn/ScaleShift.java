package io.foldopt.nn;

import io.foldopt.autodiff.Var;

/**
 * The fixed elementwise map {@code y = a x + b} with scalars {@code a} and {@code b} (no trainable parameters),
 * e.g. to map a network's standardized outputs back to the data's scale.
 */
public final class ScaleShift implements Layer {
    private final double scale;
    private final double shift;

    /**
     * @param scale {@code a}, finite
     * @param shift {@code b}, finite
     */
    public ScaleShift(double scale, double shift) {
        if (!Double.isFinite(scale) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("ScaleShift needs a finite scale and shift, got " + scale + " and "
                    + shift);
        }
        this.scale = scale;
        this.shift = shift;
    }

    @Override
    public Var forward(Var x) {
        return x.mul(scale).add(shift);
    }

    /** @return {@code a} */
    public double scale() {
        return scale;
    }

    /** @return {@code b} */
    public double shift() {
        return shift;
    }
}
