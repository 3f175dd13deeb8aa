package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused passes of {@link BiCgStab} on rows long enough to be cut into several blocks. */
class BiCgStabTest {
    /** Three full blocks and a partial one per row. */
    private static final int N = 3 * Vec.BLOCK + 123;
    private static final int BATCH = 2;

    /** {@code y_i = d_i x_i + 0.3 x_{i-1} - 0.45 x_{i+1}} per row: nonsymmetric, well conditioned. */
    private static BatchedOperator tridiagonal(double[] diagonal) {
        return BatchedOperator.of(BATCH, N, (x, y) -> {
            for (int b = 0; b < BATCH; b++) {
                int o = b * N;
                for (int i = 0; i < N; i++) {
                    double s = diagonal[o + i] * x[o + i];
                    if (i > 0) {
                        s += 0.3 * x[o + i - 1];
                    }
                    if (i < N - 1) {
                        s -= 0.45 * x[o + i + 1];
                    }
                    y[o + i] = s;
                }
            }
        });
    }

    private static double[] diagonal() {
        Random random = new Random(17);
        double[] d = new double[BATCH * N];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1.5 + random.nextDouble();
        }
        return d;
    }

    /** The textbook recurrence with one plain loop per vector operation, for {@code k} iterations from zero. */
    private static double[] textbook(BatchedOperator a, double[] g, int k) {
        int len = g.length;
        double[] x = new double[len];
        double[] r = g.clone();
        double[] rHat = g.clone();
        double[] p = new double[len];
        double[] v = new double[len];
        double[] t = new double[len];
        double[] sv = new double[len];
        for (int b = 0; b < BATCH; b++) {
            int o = b * N;
            double rho = 1;
            double alpha = 1;
            double omega = 1;
            double previous = Double.POSITIVE_INFINITY;
            for (int it = 0; it < k; it++) {
                double rhoNew = dot(rHat, r, o);
                double beta = (rhoNew / rho) * (alpha / omega);
                rho = rhoNew;
                for (int i = o; i < o + N; i++) {
                    p[i] = r[i] + beta * (p[i] - omega * v[i]);
                }
                a.apply(p, v);
                alpha = rho / dot(rHat, v, o);
                for (int i = o; i < o + N; i++) {
                    sv[i] = r[i] - alpha * v[i];
                }
                a.apply(sv, t);
                omega = dot(t, sv, o) / dot(t, t, o);
                for (int i = o; i < o + N; i++) {
                    x[i] += alpha * p[i];
                }
                for (int i = o; i < o + N; i++) {
                    x[i] += omega * sv[i];
                }
                for (int i = o; i < o + N; i++) {
                    r[i] = sv[i] - omega * t[i];
                }
                double norm = Math.sqrt(dot(r, r, o));
                assertTrue(norm < previous, "the residual of the reference decreases, so the last iterate is the best");
                previous = norm;
            }
        }
        return x;
    }

    private static double dot(double[] x, double[] y, int o) {
        double s = 0;
        for (int i = o; i < o + N; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static double[] rhs() {
        Random random = new Random(3);
        double[] g = new double[BATCH * N];
        for (int i = 0; i < g.length; i++) {
            g[i] = random.nextGaussian();
        }
        return g;
    }

    @Test
    void fusedIterationsEqualTheTextbookRecurrence() {
        BatchedOperator a = tridiagonal(diagonal());
        double[] g = rhs();
        int k = 6;
        BatchSolution sol = new BiCgStab().solve(a, g, null,
                SolverOptions.defaults().withTolerance(1e-15).withMaxIterations(k));
        double[] expected = textbook(a, g, k);
        for (int b = 0; b < BATCH; b++) {
            assertEquals(Status.ITERATION_LIMIT, sol.stats()[b].status());
            assertEquals(k, sol.stats()[b].iterations());
            double diff = 0;
            double norm = 0;
            for (int i = b * N; i < (b + 1) * N; i++) {
                diff = Math.max(diff, Math.abs(sol.solution()[i] - expected[i]));
                norm = Math.max(norm, Math.abs(expected[i]));
            }
            assertTrue(diff <= 1e-12 * norm, "instance " + b + ": max difference " + diff + " of " + norm);
        }
    }

    @Test
    void solutionDoesNotDependOnTheThreadCount() {
        BatchedOperator a = tridiagonal(diagonal());
        double[] g = rhs();
        SolverOptions options = SolverOptions.defaults().withTolerance(1e-10);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            BatchSolution one = new BiCgStab().solve(a, g, null, options);
            Parallel.setThreads(3);
            BatchSolution three = new BiCgStab().solve(a, g, null, options);
            assertTrue(one.allOk(), () -> java.util.Arrays.toString(one.stats()));
            assertArrayEquals(one.solution(), three.solution());
            for (int b = 0; b < BATCH; b++) {
                assertEquals(one.stats()[b], three.stats()[b]);
                assertTrue(one.stats()[b].relativeResidual() <= 1e-10);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }
}
