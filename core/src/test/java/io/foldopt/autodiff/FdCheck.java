package io.foldopt.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Finite-difference assertions and seeded test inputs shared by the autodiff tests. */
final class FdCheck {
    /** Central-difference step. */
    static final double STEP = 1e-6;
    /** Largest accepted relative error between a VJP and its finite-difference estimate. */
    static final double TOLERANCE = 1e-7;
    private static final int DIRECTIONS = 3;

    private FdCheck() {}

    /**
     * Checks the first-order VJP of {@code f} at {@code at}: once with respect to all inputs together,
     * then with respect to each input alone while the others are constants.
     */
    static void assertVjp(String name, Function<Var[], Var> f, Tensor... at) {
        check(name, f, at, false);
    }

    /**
     * Checks a function whose value itself contains a recorded derivative (built with
     * {@link Autodiff#gradGraph}): its VJP is a second-order quantity, compared with finite differences
     * of the function evaluated on fresh recorded parameters. Inputs held fixed are parameters, not
     * constants, so that {@code gradGraph} can still differentiate through them.
     */
    static void assertRecordedVjp(String name, Function<Var[], Var> f, Tensor... at) {
        check(name, f, at, true);
    }

    /**
     * Hessian-vector products of a scalar {@code f(x, c)}: the VJP of the recorded gradient
     * {@code grad_x f} with respect to {@code x} and {@code c} against finite differences of the
     * first-order gradient.
     */
    static void assertHessianVjp(String name, BiFunction<Var, Var, Var> f, Tensor x, Tensor c) {
        assertRecordedVjp(name, v -> Autodiff.gradGraph(f.apply(v[0], v[1]), v[0]), x, c);
    }

    private static void check(String name, Function<Var[], Var> f, Tensor[] at, boolean recorded) {
        long seed = name.hashCode();
        assertPasses(name + " w.r.t. all operands", GradientCheck.check(f, evaluator(f, recorded), at,
                DIRECTIONS, STEP, seed));
        if (at.length < 2) {
            return;
        }
        for (int i = 0; i < at.length; i++) {
            int only = i;
            Function<Var[], Var> fi = v -> f.apply(fixAllBut(at, only, v[0], recorded));
            assertPasses(name + " w.r.t. operand " + i, GradientCheck.check(fi, evaluator(fi, recorded),
                    new Tensor[] {at[i]}, DIRECTIONS, STEP, seed + i + 1));
        }
    }

    private static Function<Tensor[], Tensor> evaluator(Function<Var[], Var> f, boolean recorded) {
        if (recorded) {
            return t -> GradMode.withGrad(() -> f.apply(leaves(t, true))).value();
        }
        return t -> GradMode.noGrad(() -> f.apply(leaves(t, false))).value();
    }

    private static Var[] fixAllBut(Tensor[] at, int free, Var freeVar, boolean params) {
        Var[] v = leaves(at, params);
        v[free] = freeVar;
        return v;
    }

    private static Var[] leaves(Tensor[] values, boolean params) {
        Var[] v = new Var[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = params ? Var.param(values[i]) : Var.constant(values[i]);
        }
        return v;
    }

    private static void assertPasses(String what, GradientCheck.Result r) {
        assertTrue(r.passes(TOLERANCE), () -> what + ": relative error " + r.worstRelativeError()
                + ", analytic " + Arrays.toString(r.analytic()) + ", numeric " + Arrays.toString(r.numeric()));
    }

    /** Asserts that two tensors have the same shape and agree to {@code tol} relative to their size. */
    static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), "shape");
        double scale = Math.max(1.0, expected.maxAbs());
        double[] e = expected.data();
        double[] a = actual.data();
        for (int i = 0; i < e.length; i++) {
            int at = i;
            assertEquals(e[i], a[i], tol * scale, () -> "element " + at + " of " + expected + " vs " + actual);
        }
    }

    // ---- seeded inputs ----

    /** @return standard normal entries */
    static Tensor randn(SplittableRandom rng, int... shape) {
        return Tensor.randn(rng, shape);
    }

    /** @return entries uniform in {@code [lo, hi)} */
    static Tensor uniform(SplittableRandom rng, double lo, double hi, int... shape) {
        return avoiding(rng, lo, hi, 0.0, new double[0], shape);
    }

    /** @return entries uniform in {@code [lo, hi)} at distance at least {@code margin} from each kink */
    static Tensor avoiding(SplittableRandom rng, double lo, double hi, double margin, double[] kinks, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            double v;
            do {
                v = lo + (hi - lo) * rng.nextDouble();
            } while (nearAny(v, kinks, margin));
            out[i] = v;
        }
        return Tensor.wrap(out, shape);
    }

    private static boolean nearAny(double v, double[] kinks, double margin) {
        for (double k : kinks) {
            if (Math.abs(v - k) < margin) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return entries {@code 0.2 k + offset + u}, {@code |u| <= 0.04}: two tensors made with offsets
     *     0 and 0.1 never come closer than 0.02 anywhere, keeping min/max away from ties
     */
    static Tensor onGrid(SplittableRandom rng, double offset, int... shape) {
        Tensor u = uniform(rng, -0.04, 0.04, shape);
        double[] d = u.toArray();
        for (int i = 0; i < d.length; i++) {
            d[i] += 0.2 * (rng.nextInt(11) - 5) + offset;
        }
        return Tensor.wrap(d, shape);
    }

    /** @return a well-conditioned {@code n x n} matrix {@code n I + 0.5 G} for Gaussian {@code G} */
    static double[] wellConditioned(SplittableRandom rng, int n) {
        double[] a = Tensor.randn(rng, n, n).toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] *= 0.5;
        }
        for (int i = 0; i < n; i++) {
            a[i * n + i] += n;
        }
        return a;
    }

    /** @return {@link #wellConditioned} as a shared matrix {@code (n, n)} */
    static Tensor wellConditionedMatrix(SplittableRandom rng, int n) {
        return Tensor.wrap(wellConditioned(rng, n), n, n);
    }

    /** @return a batch {@code (batch, n, n)} of {@link #wellConditioned} matrices */
    static Tensor wellConditionedBatch(SplittableRandom rng, int batch, int n) {
        double[] out = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(wellConditioned(rng, n), 0, out, b * n * n, n * n);
        }
        return Tensor.wrap(out, batch, n, n);
    }
}
