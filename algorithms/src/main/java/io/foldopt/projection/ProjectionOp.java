package io.foldopt.projection;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Reductions;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * One evaluated projection {@code P(x, theta)} of a batch {@code x (B, n)}: the data its forward pass cached
 * (active sets, thresholds, norms, factorizations) and its VJP rule, which gives the gradients of all operands
 * in one call.
 *
 * <p>First-order VJPs ({@link GradMode} off, as in the folded backward solvers, which call them hundreds of
 * times) run {@link #vjp}: the closed-form Jacobian applied with flat loops in {@code O(n)} per instance from
 * the cached data. VJPs recorded for differentiation again ({@link GradMode} on) differentiate
 * {@link #frozen}: the projection with its active pattern fixed at the forward point, written with
 * differentiable operations. Both give the same Jacobian; the second also gives its derivatives.
 */
abstract class ProjectionOp {
    /** State of a coordinate strictly between its bounds. */
    static final byte FREE = 0;
    /** State of a coordinate at (or beyond) its lower bound. */
    static final byte LOWER = 1;
    /** State of a coordinate at (or beyond) its upper bound. */
    static final byte UPPER = 2;

    final int batch;
    final int n;

    ProjectionOp(int batch, int n) {
        this.batch = batch;
        this.n = n;
    }

    /**
     * @param g the cotangent of the projection, {@code (B, n)}
     * @param needsGrad whether each operand, in the order passed to {@link #record}, needs a gradient
     * @return {@code (dP/d input_i)^T g}, shaped like operand {@code i}, for every operand that needs one
     */
    abstract Tensor[] vjp(Tensor g, boolean[] needsGrad);

    /** @return {@code vjp.apply(i)} for every operand {@code i} that needs a gradient, null for the others */
    static Tensor[] eachNeeded(boolean[] needsGrad, IntFunction<Tensor> vjp) {
        Tensor[] out = new Tensor[needsGrad.length];
        for (int i = 0; i < out.length; i++) {
            if (needsGrad[i]) {
                out[i] = vjp.apply(i);
            }
        }
        return out;
    }

    /**
     * @param inputs stand-ins for the operands, with their values
     * @return the projection with its active pattern frozen at the forward point, as differentiable operations
     *     on {@code inputs}; its derivatives at the forward point are the projection's
     */
    abstract Var frozen(Var[] inputs);

    /** @return {@code value} recorded as this projection of {@code inputs} */
    final Var record(Tensor value, Var... inputs) {
        return Operation.record("projection", new Tensor[] {value}, inputs, (g, needsGrad) -> {
            if (GradMode.isEnabled()) {
                return frozenVjp(inputs, needsGrad, g[0]);
            }
            Tensor[] t = vjp(g[0].value(), needsGrad);
            Var[] out = new Var[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = t[i] == null ? null : Var.constant(t[i]);
            }
            return out;
        })[0];
    }

    /**
     * The VJP of {@link #frozen} for the operands that need a gradient, recorded. The frozen form is built on
     * identity stand-ins of the operands, so that its VJP is the partial derivative in each operand alone
     * even when operands depend on one another, and stays differentiable in the operands themselves.
     */
    private Var[] frozenVjp(Var[] inputs, boolean[] needsGrad, Var g) {
        Var[] standIns = new Var[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            Var in = inputs[k];
            standIns[k] = Var.op(in.value(), new Var[] {in}, (j, h) -> h);
        }
        Var out = frozen(standIns);
        Var[] needed = IntStream.range(0, inputs.length).filter(k -> needsGrad[k]).mapToObj(k -> standIns[k])
                .toArray(Var[]::new);
        Var[] grads = Autodiff.vjp(new Var[] {out}, needed, new Var[] {g}, true);
        Var[] result = new Var[inputs.length];
        for (int k = 0, c = 0; k < inputs.length; k++) {
            if (needsGrad[k]) {
                result[k] = grads[c++];
            }
        }
        return result;
    }

    /** Runs {@code body} for every instance, in parallel when the work ({@code workPerRow} flops each) is large. */
    final void forEachRow(long workPerRow, IntConsumer body) {
        Parallel.forEach(batch, workPerRow, body);
    }

    /** @return {@code g} where {@code state == code}, 0 elsewhere ({@code (B, n)}) */
    static double[] select(double[] g, byte[] state, byte code) {
        double[] out = new double[g.length];
        for (int t = 0; t < g.length; t++) {
            if (state[t] == code) {
                out[t] = g[t];
            }
        }
        return out;
    }

    /** @return the 0/1 tensor {@code (B, n)} marking {@code state == code} */
    final Tensor mask(byte[] state, byte code) {
        double[] m = new double[state.length];
        for (int t = 0; t < m.length; t++) {
            m[t] = state[t] == code ? 1.0 : 0.0;
        }
        return Tensor.wrap(m, batch, n);
    }

    /** @return the column {@code (B, 1)} holding {@code values} */
    final Var column(double[] values) {
        return Var.constant(Tensor.wrap(values, batch, 1));
    }

    /**
     * @return {@code v} broadcast to the shape of {@code mask} and set to 0 where the 0/1 {@code mask} is 0;
     *     unlike a product with the mask, an infinite entry that the mask drops (an absent bound) gives 0, not NaN
     */
    static Var masked(Var v, Tensor mask) {
        double[] m = mask.data();
        double[] out = Kernels.binary(Tensor.zeros(mask.shape()), v.value(), Kernels.BinaryOp.ADD).toArray();
        for (int t = 0; t < out.length; t++) {
            if (m[t] == 0.0) {
                out[t] = 0.0;
            }
        }
        int[] shape = v.shape();
        return Var.op(Tensor.wrap(out, mask.shape()), new Var[] {v},
                (i, g) -> Structure.sumTo(masked(g, mask), shape));
    }

    /** @return the sums of {@code v} over its last axis, as a column {@code (B, 1)} ({@code []} for a vector) */
    static Var rowSum(Var v) {
        Var s = Reductions.sum(v, -1);
        return s.rank() == 1 ? s.reshape(s.dim(0), 1) : s;
    }

    /**
     * @throws IllegalArgumentException unless {@code x} is a batch {@code (B, n)} with {@code n >= 1} and finite
     *     entries; the message names the projection and the first bad instance
     */
    static void requireBatch(String projection, Var x) {
        int[] s = x.shape();
        if (s.length != 2 || s[1] < 1) {
            throw new IllegalArgumentException(projection + ": x must be a batch (B, n) with n >= 1, shape is "
                    + Arrays.toString(s));
        }
        int bad = x.value().firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(projection + ": x has a non-finite value (" + x.value().data()[bad]
                    + ") in instance " + bad / s[1] + " (coordinate " + bad % s[1] + ")");
        }
    }
}
