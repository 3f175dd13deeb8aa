package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectSolverTest {
    private static final BatchedLinearSolver DIRECT = BatchedLinearSolver.DIRECT;

    @Test
    void identityColumnsAreEliminatedWithoutChangingTheSolution() {
        int batch = 3;
        int n = 12;
        Random random = new Random(31);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 1.0);
        int[][] clamped = {{1, 4, 7}, {}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}};
        for (int b = 0; b < batch; b++) {
            for (int j : clamped[b]) {
                for (int i = 0; i < n; i++) {
                    matrices[b * n * n + i * n + j] = i == j ? 1 : 0;
                }
            }
        }
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = DIRECT.solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null,
                SolverOptions.defaults());

        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);
        assertTrue(sol.allOk());
        for (int b = 0; b < batch; b++) {
            assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-13);
            assertEquals(n, sol.stats()[b].iterations());
            assertTrue(sol.stats()[b].relativeResidual() < 1e-14);
        }
        // A = I: every column is eliminated and v = g exactly.
        for (int i = 0; i < n; i++) {
            assertEquals(g[2 * n + i], sol.solution()[2 * n + i]);
        }
    }

    @Test
    void singularConsistentSystemIsSolvedInLeastSquaresWithSingularStatus() {
        int n = 10;
        Random random = new Random(41);
        double[] a = singular(random, n);
        double[] xTrue = Fixtures.uniform(random, n);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i] += a[i * n + j] * xTrue[j];
            }
        }

        BatchSolution sol = DIRECT.solve(DenseBatchedOperator.shared(a, n, 1), g, null, SolverOptions.defaults());

        InstanceStats st = sol.stats()[0];
        assertEquals(Status.SINGULAR, st.status());
        assertTrue(st.relativeResidual() < 1e-9, st::toString);
        assertEquals(Fixtures.relativeResidual(a, 0, sol.solution(), g, 0, n), st.relativeResidual(), 1e-14);
    }

    @Test
    void singularInconsistentSystemGivesFiniteLeastSquaresSolution() {
        int n = 10;
        Random random = new Random(43);
        double[] a = singular(random, n);
        double[] g = Fixtures.uniform(random, n);

        BatchSolution sol = DIRECT.solve(DenseBatchedOperator.shared(a, n, 1), g, null, SolverOptions.defaults());

        InstanceStats st = sol.stats()[0];
        assertEquals(Status.SINGULAR, st.status());
        assertTrue(Fixtures.allFinite(sol.solution()));
        assertTrue(st.relativeResidual() > 1e-3 && st.relativeResidual() < 1, st::toString);
        // Least squares: the residual is orthogonal to the range, A^T (A v - g) ~ 0.
        double[] v = sol.solution();
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = -g[i];
            for (int j = 0; j < n; j++) {
                residual[i] += a[i * n + j] * v[j];
            }
        }
        double normal = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[i * n + j] * residual[i];
            }
            normal += s * s;
        }
        double residualNorm = st.relativeResidual() * Math.sqrt(dot(g, g));
        assertTrue(Math.sqrt(normal) < 1e-8 * residualNorm, "||A^T r|| = " + Math.sqrt(normal));
    }

    /** @return a well-conditioned matrix whose last column is the sum of the first two (rank n - 1) */
    private static double[] singular(Random random, int n) {
        double[] a = Fixtures.nearIdentity(random, n, 0.3);
        for (int i = 0; i < n; i++) {
            a[i * n + n - 1] = a[i * n] + a[i * n + 1];
        }
        return a;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
