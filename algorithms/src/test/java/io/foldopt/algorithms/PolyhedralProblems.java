package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.qp.PolyhedralSqp;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Test problems over random polyhedra {@code {A x = b, G x <= h}}: the nonconvex
 * {@code f(x, c) = 1/2 sum_i q_i x_i^2 + sum_i c_i sin(x_i)} (as a {@link SmoothObjective} and as explicit
 * {@link PolyhedralSqp.Objective} callbacks) and convex quadratics {@code 1/2 x^T P x + c^T x}.
 */
final class PolyhedralProblems {
    private PolyhedralProblems() {}

    /**
     * @return {@code A, G} standard normal, {@code b = A x_0} and {@code h = G x_0 + U[0.2, 1.2]} for a standard
     *     normal {@code x_0}: a polyhedron with a nonempty interior (in the affine set)
     */
    static Polyhedron randomPolyhedron(int n, int p, int m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor a = Tensor.randn(rng, p, n);
        Tensor g = Tensor.randn(rng, m, n);
        Tensor x0 = Tensor.randn(rng, n, 1);
        double[] b = Kernels.gemm(a.data(), 0, x0.data(), 0, 1, p, n, 1);
        double[] h = Kernels.gemm(g.data(), 0, x0.data(), 0, 1, m, n, 1);
        for (int i = 0; i < m; i++) {
            h[i] += 0.2 + rng.nextDouble();
        }
        return new Polyhedron(a, Tensor.wrap(b, p), g, Tensor.wrap(h, m));
    }

    /** @return {@code q ~ U[0, 1]^n} */
    static double[] diagonal(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = rng.nextDouble();
        }
        return q;
    }

    /** @return {@code f(x, c) = 1/2 sum q_i x_i^2 + sum c_i sin x_i}, per instance */
    static SmoothObjective sineObjective(double[] q) {
        Var qv = Var.constant(Tensor.of(q, 1, q.length));
        return (x, c) -> x.mul(x).mul(qv).sum(-1).mul(0.5).add(x.sin().mul(c[0]).sum(-1));
    }

    /** @return the same objective with hand-written gradient {@code q x + c cos x} and diagonal Hessian */
    static PolyhedralSqp.Objective sineCallbacks(double[] q) {
        return new PolyhedralSqp.Objective() {
            @Override
            public double value(double[] x, double[][] c) {
                double s = 0;
                for (int i = 0; i < x.length; i++) {
                    s += 0.5 * q[i] * x[i] * x[i] + c[0][i] * Math.sin(x[i]);
                }
                return s;
            }

            @Override
            public void gradient(double[] x, double[][] c, double[] out) {
                for (int i = 0; i < x.length; i++) {
                    out[i] = q[i] * x[i] + c[0][i] * Math.cos(x[i]);
                }
            }

            @Override
            public void hessian(double[] x, double[][] c, double[] out) {
                java.util.Arrays.fill(out, 0.0);
                for (int i = 0; i < x.length; i++) {
                    out[i * x.length + i] = q[i] - c[0][i] * Math.sin(x[i]);
                }
            }
        };
    }

    /** @return {@code f(x, c) = 1/2 x^T P x + c^T x}, per instance, for a symmetric {@code P} */
    static SmoothObjective quadratic(Tensor pm) {
        Var pv = Var.constant(pm);
        return (x, c) -> x.matmul(pv).mul(x).sum(-1).mul(0.5).add(x.mul(c[0]).sum(-1));
    }
}
