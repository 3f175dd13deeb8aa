package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Finite-difference checks of VJPs and seeded inputs shared by the tests of this package. */
final class Gradients {
    private static final double STEP = 1e-6;
    private static final double TOLERANCE = 1e-6;
    private static final int DIRECTIONS = 4;

    private Gradients() {}

    /**
     * Checks the VJP of {@code f} at {@code at} with {@link GradientCheck}: with respect to all operands
     * together, then to each operand alone while the others are constants.
     */
    static void assertVjp(String name, Function<Var[], Var> f, Tensor... at) {
        long seed = name.hashCode();
        assertPasses(name + " w.r.t. all operands", GradientCheck.check(f, at, DIRECTIONS, STEP, seed));
        for (int i = 0; at.length > 1 && i < at.length; i++) {
            int free = i;
            Function<Var[], Var> fi = v -> {
                Var[] all = new Var[at.length];
                for (int j = 0; j < at.length; j++) {
                    all[j] = j == free ? v[0] : Var.constant(at[j]);
                }
                return f.apply(all);
            };
            assertPasses(name + " w.r.t. operand " + i,
                    GradientCheck.check(fi, new Tensor[] {at[i]}, DIRECTIONS, STEP, seed + i + 1));
        }
    }

    private static void assertPasses(String what, GradientCheck.Result r) {
        assertTrue(r.passes(TOLERANCE), () -> what + ": relative error " + r.worstRelativeError() + ", analytic "
                + Arrays.toString(r.analytic()) + ", numeric " + Arrays.toString(r.numeric()));
    }

    /** @return entries uniform in {@code [lo, hi)} */
    static Tensor uniform(SplittableRandom rng, double lo, double hi, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return Tensor.wrap(out, shape);
    }
}
