package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GMRES restarts and breakdowns, BiCGSTAB breakdown. */
class KrylovBreakdownTest {
    private static final BatchedLinearSolver GMRES = BatchedLinearSolver.GMRES;
    private static final BatchedLinearSolver BICGSTAB = BatchedLinearSolver.BICGSTAB;

    @Test
    void gmresWithDimensionBelowRestartIsExact() {
        int batch = 3;
        int n = 5;
        Random random = new Random(1);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 2.0);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = GMRES.solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null,
                SolverOptions.defaults().withTolerance(1e-14));

        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);
        assertTrue(sol.allOk(), () -> java.util.Arrays.toString(sol.stats()));
        for (int b = 0; b < batch; b++) {
            assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-12);
            assertTrue(sol.stats()[b].iterations() <= n, sol.stats()[b]::toString);
        }
    }

    @Test
    void gmresOnIdentityStopsAfterOneStepWithExactAnswer() {
        int n = 6;
        double[] g = Fixtures.uniform(new Random(4), 2 * n);

        BatchSolution sol = GMRES.solve(DenseBatchedOperator.shared(Fixtures.identity(n), n, 2), g, null,
                SolverOptions.defaults());

        assertArrayEquals(g, sol.solution(), 1e-15);
        for (InstanceStats st : sol.stats()) {
            assertEquals(Status.OPTIMAL, st.status());
            assertEquals(1, st.iterations());
            assertTrue(st.relativeResidual() < 1e-15);
        }
    }

    @Test
    void gmresConvergesThroughRestarts() {
        int batch = 3;
        int n = 60;
        Random random = new Random(9);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.6);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = new Gmres(5).solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null,
                SolverOptions.defaults());

        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);
        assertTrue(sol.allOk(), () -> java.util.Arrays.toString(sol.stats()));
        for (int b = 0; b < batch; b++) {
            assertTrue(sol.stats()[b].iterations() > 10, sol.stats()[b]::toString);
            assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-8);
        }
    }

    @Test
    void gmresSingularHessenbergReportsBreakdownWithLeastSquaresIterate() {
        // A = diag(1, 0), g = (1, 1): A v_1 is parallel to A v_0, so r_11 = 0; the best v over the Krylov space is
        // (1, 1) with residual (0, 1).
        double[] a = {1, 0, 0, 0};
        double[] g = {1, 1};

        BatchSolution sol = GMRES.solve(DenseBatchedOperator.shared(a, 2, 1), g, null, SolverOptions.defaults());

        InstanceStats st = sol.stats()[0];
        assertEquals(Status.NUMERICAL_FAILURE, st.status());
        assertEquals(2, st.iterations());
        assertArrayEquals(new double[] {1, 1}, sol.solution(), 1e-14);
        assertEquals(Math.sqrt(0.5), st.relativeResidual(), 1e-14);
    }

    @Test
    void rotationBreaksBiCgStabButNotGmres() {
        // A = [[0, 1], [-1, 0]] and g = e_1: (r^, A r^) = 0, a breakdown that repeats after the restart.
        double[] a = {0, 1, -1, 0};
        double[] g = {1, 0};
        BatchedOperator op = DenseBatchedOperator.shared(a, 2, 1);

        BatchSolution bicg = BICGSTAB.solve(op, g, null, SolverOptions.defaults());
        assertEquals(Status.NUMERICAL_FAILURE, bicg.stats()[0].status());
        assertArrayEquals(new double[] {0, 0}, bicg.solution());
        assertEquals(1.0, bicg.stats()[0].relativeResidual());

        BatchSolution gmres = GMRES.solve(op, g, null, SolverOptions.defaults());
        assertEquals(Status.OPTIMAL, gmres.stats()[0].status());
        assertArrayEquals(new double[] {0, 1}, gmres.solution(), 1e-15);
    }

    @Test
    void biCgStabStopsOnTrueResidualAcrossABatch() {
        int batch = 6;
        int n = 50;
        Random random = new Random(17);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.9);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = BICGSTAB.solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null,
                SolverOptions.defaults().withTolerance(1e-13));

        for (int b = 0; b < batch; b++) {
            assertTrue(sol.stats()[b].ok(), sol.stats()[b]::toString);
            assertTrue(Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n) <= 1e-13);
        }
    }
}
