package io.foldopt.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Reductions;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.linalg.DenseLU;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;

/** References and checks shared by the projection tests. */
final class ProjectionTestSupport {
    /** Finite-difference step of the gradient checks. */
    static final double STEP = 1e-6;
    /** Largest relative error accepted from a gradient check. */
    static final double GRAD_TOL = 1e-6;

    private ProjectionTestSupport() {}

    /** @return standard normal entries of the given shape, times {@code scale} */
    static Tensor randn(long seed, double scale, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape).map(v -> scale * v);
    }

    /** @return {@code (dy/d inputs)^T g} for every input */
    static Tensor[] vjp(Var y, Tensor g, Var... inputs) {
        return Autodiff.vjp(new Var[] {y}, inputs, new Tensor[] {g});
    }

    /**
     * Asserts that the VJPs of {@code f} at {@code at} agree with central finite differences, and that the
     * first-order VJPs (cached Jacobian) equal the recorded ones (frozen form) to rounding.
     */
    static void assertGradients(Function<Var[], Var> f, Tensor... at) {
        GradientCheck.Result r = GradientCheck.check(f, at, 6, STEP, 99);
        assertTrue(r.passes(GRAD_TOL), "worst relative error " + r.worstRelativeError());
        Var[] p = params(at);
        Var y = GradMode.withGrad(() -> f.apply(p));
        Tensor g = randn(5, 1.0, y.shape());
        Tensor[] fast = Autodiff.vjp(new Var[] {y}, p, new Tensor[] {g});
        Var[] recorded = Autodiff.vjp(new Var[] {y}, p, new Var[] {Var.constant(g)}, true);
        for (int i = 0; i < at.length; i++) {
            assertClose(fast[i], recorded[i].value(), 1e-12 * Math.max(1.0, fast[i].maxAbs()),
                    "first-order and recorded VJP of input " + i);
        }
    }

    /**
     * Asserts second-order correctness: for {@code h(p) = c^T f(p) + ||f(p)||^2 / 2} and every input
     * {@code k}, the recorded gradient {@code grad_{p_k} h} (built with the projection's VJP) has VJPs that
     * agree with finite differences in all inputs.
     */
    static void assertSecondOrder(Function<Var[], Var> f, Tensor... at) {
        Tensor c = randn(7, 1.0, f.apply(constants(at)).shape());
        for (int k = 0; k < at.length; k++) {
            int input = k;
            Function<Var[], Var> gradient = p -> {
                Var y = f.apply(p);
                Var h = Reductions.sum(y.mul(Var.constant(c))).add(Reductions.sum(y.mul(y)).mul(0.5));
                return Autodiff.gradGraph(h, p[input]);
            };
            Function<Tensor[], Tensor> evaluate = shifted -> GradMode.withGrad(() -> gradient.apply(params(shifted)))
                    .value();
            GradientCheck.Result r = GradientCheck.check(gradient, evaluate, at, 6, STEP, 98);
            assertTrue(r.passes(GRAD_TOL), "second order, gradient of input " + k + ": worst relative error "
                    + r.worstRelativeError());
        }
    }

    static Var[] constants(Tensor... values) {
        Var[] v = new Var[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Var.constant(values[i]);
        }
        return v;
    }

    static Var[] params(Tensor... values) {
        Var[] v = new Var[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Var.param(values[i]);
        }
        return v;
    }

    /** Asserts {@code |a - b| <= tol} elementwise, with a message naming the context. */
    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(expected.data(), actual.data(), tol, what);
    }

    /**
     * The projection of {@code x} onto {@code {E y = f, G y <= h}} by brute force: every subset of the
     * inequalities is tried as the active set, the equality-constrained projection solved, and the first
     * point that is feasible with nonnegative multipliers (the KKT point, unique for a projection) returned.
     */
    static double[] bruteForceProjection(double[] x, double[][] e, double[] f, double[][] g, double[] h) {
        int n = x.length;
        for (long set = 0; set < 1L << g.length; set++) {
            int rows = e.length + Long.bitCount(set);
            if (rows > n) {
                continue;
            }
            double[][] c = new double[rows][];
            double[] d = new double[rows];
            int r = 0;
            for (int i = 0; i < e.length; i++, r++) {
                c[r] = e[i];
                d[r] = f[i];
            }
            for (int i = 0; i < g.length; i++) {
                if ((set >>> i & 1) != 0) {
                    c[r] = g[i];
                    d[r++] = h[i];
                }
            }
            double[] p = x.clone();
            if (rows > 0) {
                double[] ccT = new double[rows * rows];
                double[] rhs = new double[rows];
                for (int i = 0; i < rows; i++) {
                    rhs[i] = dot(c[i], x) - d[i];
                    for (int j = 0; j < rows; j++) {
                        ccT[i * rows + j] = dot(c[i], c[j]);
                    }
                }
                DenseLU lu = DenseLU.factor(ccT, rows);
                if (lu.isSingular()) {
                    continue;
                }
                double[] lambda = lu.solve(rhs);
                boolean signs = true;
                for (int i = e.length; i < rows; i++) {
                    signs &= lambda[i] >= -1e-12;
                }
                if (!signs) {
                    continue;
                }
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) {
                        p[j] -= lambda[i] * c[i][j];
                    }
                }
            }
            boolean feasible = true;
            for (int i = 0; i < e.length; i++) {
                feasible &= Math.abs(dot(e[i], p) - f[i]) <= 1e-9;
            }
            for (int i = 0; i < g.length; i++) {
                feasible &= dot(g[i], p) <= h[i] + 1e-9;
            }
            if (feasible) {
                return p;
            }
        }
        throw new AssertionError("no KKT point found");
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** @return {@code <x - p, y - p>}, which is {@code <= 0} for every feasible {@code y} iff {@code p} is the projection */
    static double optimalityGap(double[] x, double[] p, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - p[i]) * (y[i] - p[i]);
        }
        return s;
    }

    /** @return the unit vector {@code e_i} of length {@code n} */
    static double[] unit(int n, int i) {
        double[] e = new double[n];
        e[i] = 1.0;
        return e;
    }
}
