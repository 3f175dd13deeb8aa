package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchedLinearSolverTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-12);

    @ParameterizedTest
    @EnumSource(SolverMethod.class)
    void randomNonsymmetricSystemsMatchDenseLu(SolverMethod method) {
        int batch = 5;
        int n = 40;
        Random random = new Random(11);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);
        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);

        BatchSolution sol = BatchedLinearSolver.of(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null, TIGHT);

        assertTrue(sol.allConverged(), () -> java.util.Arrays.toString(sol.stats()));
        for (int b = 0; b < batch; b++) {
            InstanceStats st = sol.stats()[b];
            assertEquals(method, st.method());
            assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-9, method + " instance " + b);
            double independent = Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n);
            assertEquals(independent, st.relativeResidual(), 1e-14);
            assertTrue(st.relativeResidual() <= 1e-12);
            assertTrue(st.iterations() > 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SolverMethod.class, names = {"LFPI", "GMRES", "BICGSTAB"})
    void mixedBatchReportsPerInstanceStats(SolverMethod method) {
        int n = 30;
        Random random = new Random(5);
        double[] matrices = new double[3 * n * n];
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.5), 0, matrices, 0, n * n);
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.05), 0, matrices, n * n, n * n);
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.8), 0, matrices, 2 * n * n, n * n);
        double[] g = Fixtures.uniform(random, 3 * n);
        java.util.Arrays.fill(g, 0, n, 0.0);
        double[] guess = Fixtures.uniform(random, 3 * n);

        BatchSolution sol = BatchedLinearSolver.of(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, 3), g, guess, SolverOptions.defaults());

        InstanceStats zero = sol.stats()[0];
        InstanceStats easy = sol.stats()[1];
        InstanceStats hard = sol.stats()[2];
        assertEquals(new InstanceStats(method, 0, 0.0, SolveStatus.CONVERGED), zero);
        for (int i = 0; i < n; i++) {
            assertEquals(0.0, sol.solution()[i]);
        }
        assertTrue(easy.converged() && hard.converged(), () -> java.util.Arrays.toString(sol.stats()));
        assertTrue(easy.iterations() < hard.iterations(), () -> java.util.Arrays.toString(sol.stats()));
        for (int b = 1; b < 3; b++) {
            double independent = Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n);
            assertEquals(independent, sol.stats()[b].relativeResidual(), 1e-14);
            assertTrue(independent <= 1e-10);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SolverMethod.class, names = {"LFPI", "GMRES", "BICGSTAB"})
    void tooFewIterationsReportMaxIterationsWithFiniteBestIterate(SolverMethod method) {
        int batch = 3;
        int n = 40;
        Random random = new Random(3);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.6);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = BatchedLinearSolver.of(method).solve(DenseBatchedOperator.perInstance(matrices, n, batch),
                g, null, SolverOptions.defaults().withMaxIterations(3));

        assertTrue(Fixtures.allFinite(sol.solution()));
        for (int b = 0; b < batch; b++) {
            InstanceStats st = sol.stats()[b];
            assertEquals(SolveStatus.MAX_ITERATIONS, st.status());
            assertEquals(3, st.iterations());
            double independent = Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n);
            assertEquals(independent, st.relativeResidual(), 1e-12 * independent);
            assertTrue(independent > 1e-10 && independent < 1, "best iterate improves on v = 0: " + independent);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SolverMethod.class, names = {"LFPI", "GMRES", "BICGSTAB"})
    void exactInitialGuessNeedsNoIterationAndInputsAreNotModified(SolverMethod method) {
        int batch = 2;
        int n = 10;
        Random random = new Random(8);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);
        double[] exact = Fixtures.referenceSolutions(matrices, batch, n, g);
        double[] gCopy = g.clone();
        double[] guessCopy = exact.clone();

        BatchSolution sol = BatchedLinearSolver.of(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, exact, SolverOptions.defaults());

        assertArrayEquals(gCopy, g);
        assertArrayEquals(guessCopy, exact);
        assertArrayEquals(exact, sol.solution());
        for (InstanceStats st : sol.stats()) {
            assertEquals(SolveStatus.CONVERGED, st.status());
            assertEquals(0, st.iterations());
        }
    }

    @ParameterizedTest
    @EnumSource(SolverMethod.class)
    void spectralRadiusAboveOneDivergesOnlyForLfpi(SolverMethod method) {
        int n = 20;
        Random random = new Random(21);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = -0.8 + 1.5 * i / n;
        }
        d[0] = 1.4;
        d[1] = -1.2;
        // Phi^T = S diag(d) S^{-1}, rho(Phi) = 1.4, and A = I - Phi^T has eigenvalues 1 - d_i != 0.
        double[] phiT = Fixtures.similarity(Fixtures.nearIdentity(random, n, 0.3), d, n);
        double[] a = Fixtures.identity(n);
        for (int i = 0; i < n * n; i++) {
            a[i] -= phiT[i];
        }
        double[] g = Fixtures.uniform(random, 2 * n);
        double[] matrices = new double[2 * n * n];
        System.arraycopy(a, 0, matrices, 0, n * n);
        System.arraycopy(a, 0, matrices, n * n, n * n);

        BatchSolution sol = BatchedLinearSolver.of(method).solve(DenseBatchedOperator.shared(a, n, 2), g, null,
                SolverOptions.defaults());

        assertTrue(Fixtures.allFinite(sol.solution()));
        double[] reference = Fixtures.referenceSolutions(matrices, 2, n, g);
        for (int b = 0; b < 2; b++) {
            InstanceStats st = sol.stats()[b];
            double independent = Fixtures.relativeResidual(a, 0, sol.solution(), g, b, n);
            assertEquals(independent, st.relativeResidual(), 1e-10 * independent + 1e-14);
            if (method == SolverMethod.LFPI) {
                assertEquals(SolveStatus.DIVERGED, st.status());
                assertTrue(independent <= 1.0, "best iterate is no worse than the start v = 0");
            } else {
                assertTrue(st.converged(), st::toString);
                assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-8);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SolverMethod.class)
    void nonFiniteOperatorOutputStaysInItsInstance(SolverMethod method) {
        int n = 8;
        Random random = new Random(6);
        double[] matrices = Fixtures.nearIdentityBatch(random, 2, n, 0.3);
        BatchedOperator dense = DenseBatchedOperator.perInstance(matrices, n, 2);
        // Instance 1 maps every nonzero input to NaN.
        BatchedOperator poisoned = new BatchedOperator() {
            @Override
            public int batch() {
                return 2;
            }

            @Override
            public int dim() {
                return n;
            }

            @Override
            public void apply(double[] x, double[] y) {
                dense.apply(x, y);
                for (int i = n; i < 2 * n; i++) {
                    if (x[i] != 0) {
                        java.util.Arrays.fill(y, n, 2 * n, Double.NaN);
                        return;
                    }
                }
            }
        };
        double[] g = Fixtures.uniform(random, 2 * n);

        BatchSolution sol = BatchedLinearSolver.of(method).solve(poisoned, g, null, SolverOptions.defaults());

        assertTrue(Fixtures.allFinite(sol.solution()));
        assertTrue(sol.stats()[0].converged());
        assertTrue(Fixtures.relativeResidual(matrices, 0, sol.solution(), g, 0, n) <= 1e-10);
        SolveStatus expected = method == SolverMethod.LFPI ? SolveStatus.DIVERGED : SolveStatus.NON_FINITE;
        assertEquals(expected, sol.stats()[1].status());
    }

    @Test
    void unrestartedGmresNeedsNoMoreIterationsThanLfpi() {
        // Both iterates lie in x_0 + K_k(A, r_0), where GMRES minimizes the residual.
        int batch = 4;
        int n = 60;
        Random random = new Random(19);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.7);
        double[] g = Fixtures.uniform(random, batch * n);
        BatchedOperator op = DenseBatchedOperator.perInstance(matrices, n, batch);
        SolverOptions options = SolverOptions.defaults().withRestart(n);

        BatchSolution lfpi = BatchedLinearSolver.of(SolverMethod.LFPI).solve(op, g, null, options);
        BatchSolution gmres = BatchedLinearSolver.of(SolverMethod.GMRES).solve(op, g, null, options);

        for (int b = 0; b < batch; b++) {
            assertTrue(lfpi.stats()[b].converged() && gmres.stats()[b].converged());
            assertTrue(gmres.stats()[b].iterations() <= lfpi.stats()[b].iterations(),
                    gmres.stats()[b] + " vs " + lfpi.stats()[b]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SolverMethod.class, names = {"LFPI", "GMRES", "BICGSTAB"})
    void convergenceIsDecidedByTheTrueResidualEvenBelowAttainableAccuracy(SolverMethod method) {
        // At tolerance 1e-16 the recurrences (and estimates) can pass below the true residual, which stagnates
        // near machine precision: an instance may only be CONVERGED if its true residual (as evaluated through the
        // operator, whose own rounding is of that order) meets the tolerance.
        int batch = 6;
        int n = 50;
        double tolerance = 1e-16;
        Random random = new Random(17);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = BatchedLinearSolver.of(method).solve(DenseBatchedOperator.perInstance(matrices, n, batch),
                g, null, SolverOptions.defaults().withTolerance(tolerance).withMaxIterations(300));

        for (int b = 0; b < batch; b++) {
            InstanceStats st = sol.stats()[b];
            assertTrue(st.status() == SolveStatus.CONVERGED ? st.relativeResidual() <= tolerance
                    : st.status() == SolveStatus.MAX_ITERATIONS && st.relativeResidual() < 1e-14, st::toString);
        }
    }

    @Test
    void deterministicAndCorrectWhenLoopsRunInParallel() {
        // Large enough for Parallel.forEach to split the per-instance loops (work above MIN_PARALLEL_WORK).
        int batch = 8;
        int n = 120;
        Random random = new Random(2);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.7);
        double[] g = Fixtures.uniform(random, batch * n);
        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);
        for (SolverMethod method : SolverMethod.values()) {
            BatchedLinearSolver solver = BatchedLinearSolver.of(method);
            BatchedOperator op = DenseBatchedOperator.perInstance(matrices, n, batch);
            BatchSolution first = solver.solve(op, g, null, SolverOptions.defaults());
            BatchSolution second = solver.solve(op, g, null, SolverOptions.defaults());
            assertArrayEquals(first.solution(), second.solution(), method.name());
            assertArrayEquals(first.stats(), second.stats(), method.name());
            assertTrue(first.allConverged(), method.name());
            for (int b = 0; b < batch; b++) {
                assertTrue(Fixtures.relativeError(first.solution(), reference, b, n) < 1e-8, method.name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SolverMethod.class)
    void invalidInputsThrowNamingTheInstance(SolverMethod method) {
        int batch = 3;
        int n = 4;
        BatchedOperator op = DenseBatchedOperator.shared(Fixtures.identity(n), n, batch);
        BatchedLinearSolver solver = BatchedLinearSolver.of(method);
        SolverOptions options = SolverOptions.defaults();

        IllegalArgumentException shortRhs = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(op, new double[11], null, options));
        assertTrue(shortRhs.getMessage().contains("rhs") && shortRhs.getMessage().contains("11")
                && shortRhs.getMessage().contains("12"), shortRhs.getMessage());

        IllegalArgumentException shortGuess = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(op, new double[12], new double[13], options));
        assertTrue(shortGuess.getMessage().contains("initialGuess"), shortGuess.getMessage());

        double[] rhs = new double[12];
        rhs[9] = Double.NaN;
        IllegalArgumentException nanRhs = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(op, rhs, null, options));
        assertTrue(nanRhs.getMessage().contains("rhs") && nanRhs.getMessage().contains("instance 2"),
                nanRhs.getMessage());

        double[] guess = new double[12];
        guess[4] = Double.POSITIVE_INFINITY;
        IllegalArgumentException infGuess = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(op, new double[12], guess, options));
        assertTrue(infGuess.getMessage().contains("initialGuess") && infGuess.getMessage().contains("instance 1"),
                infGuess.getMessage());
    }

    @Test
    void optionsValidateAndWither() {
        assertEquals(new SolverOptions(1e-10, 1000, 50), SolverOptions.defaults());
        SolverOptions o = SolverOptions.defaults().withTolerance(1e-6).withMaxIterations(7).withRestart(3);
        assertEquals(new SolverOptions(1e-6, 7, 3), o);
        assertThrows(IllegalArgumentException.class, () -> new SolverOptions(0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new SolverOptions(Double.NaN, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new SolverOptions(Double.POSITIVE_INFINITY, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new SolverOptions(1e-8, 0, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SolverOptions(1e-8, 5, 0));
        assertTrue(e.getMessage().contains("restart"));
    }
}
