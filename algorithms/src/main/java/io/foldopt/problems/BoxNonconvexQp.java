package io.foldopt.problems;

import io.foldopt.algorithms.FixedPointIteration;
import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The anchor problem of the benchmarks: {@code min_x 1/2 x^T Q x + c^T sin(x)} over the box
 * {@code [lo, hi]^n}, with symmetric {@code Q} and a batch of parameters {@code c (B, n)}.
 *
 * <p>Its projected-gradient step is {@code U(x, c) = clip(x - alpha (Q x + c * cos x), lo, hi)} with
 * {@code alpha = 1 / (lambda_max(Q) + 1)}; stationary points are its fixed points. The problem is
 * nonconvex where {@code Q - diag(c * sin x)} is indefinite, so the forward solver finds a local
 * solution.
 */
public final class BoxNonconvexQp implements FoldableAlgorithm {
    private final Tensor q;
    private final double lower;
    private final double upper;
    private final double alpha;

    /**
     * @param q symmetric {@code n x n} matrix
     * @param lower lower bound of every coordinate
     * @param upper upper bound of every coordinate ({@code > lower})
     */
    public BoxNonconvexQp(Tensor q, double lower, double upper) {
        if (q.rank() != 2 || q.dim(0) != q.dim(1)) {
            throw new IllegalArgumentException("Q must be square, shape is " + java.util.Arrays.toString(q.shape()));
        }
        if (!q.isFinite()) {
            throw new IllegalArgumentException("Q has a non-finite entry");
        }
        int n = q.dim(0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double a = q.data()[i * n + j];
                double b = q.data()[j * n + i];
                if (Math.abs(a - b) > 1e-12 * Math.max(1.0, Math.abs(a))) {
                    throw new IllegalArgumentException("Q must be symmetric: Q[" + i + "][" + j + "] = " + a
                            + " but Q[" + j + "][" + i + "] = " + b);
                }
            }
        }
        if (!(lower < upper)) {
            throw new IllegalArgumentException("box needs lower < upper, got [" + lower + ", " + upper + "]");
        }
        this.q = q;
        this.lower = lower;
        this.upper = upper;
        this.alpha = 1.0 / (RandomMatrices.largestEigenvalue(q) + 1.0);
    }

    /**
     * The benchmark instance: {@code Q = M^T M / n + 0.1 I} with standard normal {@code M}, box
     * {@code [-1, 1]^n}.
     */
    public static BoxNonconvexQp random(int n, long seed) {
        return new BoxNonconvexQp(RandomMatrices.spd(n, 0.1, seed), -1.0, 1.0);
    }

    /** @return standard normal parameters {@code c (batch, n)} */
    public Tensor randomParameters(int batch, long seed) {
        return Tensor.randn(new SplittableRandom(seed), batch, dim());
    }

    /** @return the dimension {@code n} */
    public int dim() {
        return q.dim(0);
    }

    /** @return the step size {@code alpha = 1 / (lambda_max(Q) + 1)} */
    public double alpha() {
        return alpha;
    }

    /** @return the matrix {@code Q} */
    public Tensor q() {
        return q;
    }

    /** @return the PGD step {@code U(x, c) = clip(x - alpha (Q x + c * cos x), lo, hi)}; params = {c} */
    @Override
    public UpdateMap updateMap() {
        Var qv = Var.constant(q);
        return (x, params) -> {
            Var grad = x.matmul(qv).add(params[0].mul(x.cos()));
            return x.sub(grad.mul(alpha)).clamp(lower, upper);
        };
    }

    /**
     * A forward solver: accelerated projected gradient (FISTA with adaptive restart) per instance, in
     * parallel, from {@code x = 0}, until the plain step moves less than
     * {@code tol * max(1, ||x||)}; returns that last plain step, a fixed point of {@link #updateMap()}
     * to about {@code tol}.
     *
     * @throws ArithmeticException naming the instance if it does not converge in {@code maxIterations}
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        return ForwardSolver.perInstance((b, p) -> solveInstance(b, p[0], tol, maxIterations, true));
    }

    /**
     * Plain projected gradient descent {@code x <- U(x, c)} from {@code x = 0} (no momentum), per
     * instance in parallel, until a step moves less than {@code tol * max(1, ||x||)}.
     *
     * @throws ArithmeticException naming the instance if it does not converge in {@code maxIterations}
     */
    public ForwardSolver pgdSolver(double tol, int maxIterations) {
        return ForwardSolver.perInstance((b, p) -> solveInstance(b, p[0], tol, maxIterations, false));
    }

    private double[] solveInstance(int instance, double[] c, double tol, int maxIterations, boolean accelerate) {
        int n = dim();
        double[][] qRows = q.rowArrays();
        double[] qy = new double[n];
        return FixedPointIteration.solve("projected gradient", instance, new double[n], (y, z) -> {
            // Q y = sum_j y_j Q[j, :] (Q symmetric), in the vectorizable axpy form.
            java.util.Arrays.fill(qy, 0.0);
            for (int j = 0; j < n; j++) {
                double yj = y[j];
                if (yj != 0.0) {
                    double[] row = qRows[j];
                    for (int i = 0; i < n; i++) {
                        qy[i] += yj * row[i];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                z[i] = Math.min(Math.max(y[i] - alpha * (qy[i] + c[i] * Math.cos(y[i])), lower), upper);
            }
        }, accelerate, tol, maxIterations);
    }
}
