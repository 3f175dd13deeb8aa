package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchedLinearSolverTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-12);

    @Test
    void gmresAndLfpiReportTheirLastTrueResidualWithoutAnotherApplication() {
        int n = 30;
        Random random = new Random(5);
        double[] a = Fixtures.nearIdentity(random, n, 0.3);
        double[] g = Fixtures.uniform(random, n);
        DenseBatchedOperator dense = DenseBatchedOperator.shared(a, n, 1);
        for (BatchedLinearSolver solver : java.util.List.of(BatchedLinearSolver.GMRES, BatchedLinearSolver.LFPI)) {
            java.util.concurrent.atomic.AtomicInteger applications = new java.util.concurrent.atomic.AtomicInteger();
            BatchSolution sol = solver.solve(BatchedOperator.of(1, n, (x, y) -> {
                applications.incrementAndGet();
                dense.apply(x, y);
            }), g, null, TIGHT);
            int iterations = sol.stats()[0].iterations();
            assertTrue(sol.allOk() && iterations > 1, solver + ": " + sol.stats()[0]);
            // GMRES: an application per Arnoldi step and the true residual at the end of its one cycle; LFPI: one per
            // iteration, whose result is the new iterate's residual.
            assertEquals(solver == BatchedLinearSolver.GMRES ? iterations + 1 : iterations, applications.get(),
                    solver.toString());
            assertEquals(Fixtures.relativeResidual(a, 0, sol.solution(), g, 0, n), sol.stats()[0].relativeResidual(),
                    1e-14, solver.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    void randomNonsymmetricSystemsMatchDenseLu(String method) {
        int batch = 5;
        int n = 40;
        Random random = new Random(11);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);
        double[] reference = Fixtures.referenceSolutions(matrices, batch, n, g);

        BatchSolution sol = BatchedLinearSolver.named(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, null, TIGHT);

        assertTrue(sol.allOk(), () -> java.util.Arrays.toString(sol.stats()));
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

    @Test
    void gmresKeepsItsBasisOrthogonalUnderSevereCancellation() {
        // A = U diag(sigma) W^T with singular values from 1 down to 1e-7: late Arnoldi vectors lie almost in the
        // Krylov space already built, where one classical Gram-Schmidt pass loses orthogonality and GMRES(n) would
        // stall (residual 1.6e-4 after n steps); with the selective second pass it converges within n = 30 steps.
        int n = 30;
        Random random = new Random(21);
        double[] u = Fixtures.orthogonal(random, n);
        double[] w = Fixtures.orthogonal(random, n);
        double[] us = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                us[i * n + j] = u[i * n + j] * Math.pow(1e-7, j / (n - 1.0));
            }
        }
        double[] a = Fixtures.multiply(us, Fixtures.transpose(w, n), n);
        double[] g = Fixtures.uniform(random, n);

        BatchSolution sol = new Gmres(n).solve(DenseBatchedOperator.perInstance(a, n, 1), g, null,
                SolverOptions.defaults().withTolerance(1e-8).withMaxIterations(n));

        InstanceStats st = sol.stats()[0];
        assertEquals(Status.OPTIMAL, st.status(), st::toString);
        assertTrue(Fixtures.relativeResidual(a, 0, sol.solution(), g, 0, n) <= 1e-8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB"})
    void mixedBatchReportsPerInstanceStats(String method) {
        int n = 30;
        Random random = new Random(5);
        double[] matrices = new double[3 * n * n];
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.5), 0, matrices, 0, n * n);
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.05), 0, matrices, n * n, n * n);
        System.arraycopy(Fixtures.nearIdentity(random, n, 0.8), 0, matrices, 2 * n * n, n * n);
        double[] g = Fixtures.uniform(random, 3 * n);
        java.util.Arrays.fill(g, 0, n, 0.0);
        double[] guess = Fixtures.uniform(random, 3 * n);

        BatchSolution sol = BatchedLinearSolver.named(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, 3), g, guess, SolverOptions.defaults());

        InstanceStats zero = sol.stats()[0];
        InstanceStats easy = sol.stats()[1];
        InstanceStats hard = sol.stats()[2];
        assertEquals(new InstanceStats(method, 0, 0.0, Status.OPTIMAL, ""), zero);
        for (int i = 0; i < n; i++) {
            assertEquals(0.0, sol.solution()[i]);
        }
        assertTrue(easy.ok() && hard.ok(), () -> java.util.Arrays.toString(sol.stats()));
        assertTrue(easy.iterations() < hard.iterations(), () -> java.util.Arrays.toString(sol.stats()));
        for (int b = 1; b < 3; b++) {
            double independent = Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n);
            assertEquals(independent, sol.stats()[b].relativeResidual(), 1e-14);
            assertTrue(independent <= 1e-10);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB"})
    void tooFewIterationsReportMaxIterationsWithFiniteBestIterate(String method) {
        int batch = 3;
        int n = 40;
        Random random = new Random(3);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.6);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = BatchedLinearSolver.named(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch),
                g, null, SolverOptions.defaults().withMaxIterations(3));

        assertTrue(Fixtures.allFinite(sol.solution()));
        for (int b = 0; b < batch; b++) {
            InstanceStats st = sol.stats()[b];
            assertEquals(Status.ITERATION_LIMIT, st.status());
            assertEquals(3, st.iterations());
            double independent = Fixtures.relativeResidual(matrices, b * n * n, sol.solution(), g, b, n);
            assertEquals(independent, st.relativeResidual(), 1e-12 * independent);
            assertTrue(independent > 1e-10 && independent < 1, "best iterate improves on v = 0: " + independent);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB"})
    void exactInitialGuessNeedsNoIterationAndInputsAreNotModified(String method) {
        int batch = 2;
        int n = 10;
        Random random = new Random(8);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);
        double[] exact = Fixtures.referenceSolutions(matrices, batch, n, g);
        double[] gCopy = g.clone();
        double[] guessCopy = exact.clone();

        BatchSolution sol = BatchedLinearSolver.named(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch), g, exact, SolverOptions.defaults());

        assertArrayEquals(gCopy, g);
        assertArrayEquals(guessCopy, exact);
        assertArrayEquals(exact, sol.solution());
        for (InstanceStats st : sol.stats()) {
            assertEquals(Status.OPTIMAL, st.status());
            assertEquals(0, st.iterations());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    void spectralRadiusAboveOneDivergesOnlyForLfpi(String method) {
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

        BatchSolution sol = BatchedLinearSolver.named(method).solve(DenseBatchedOperator.shared(a, n, 2), g, null,
                SolverOptions.defaults());

        assertTrue(Fixtures.allFinite(sol.solution()));
        double[] reference = Fixtures.referenceSolutions(matrices, 2, n, g);
        for (int b = 0; b < 2; b++) {
            InstanceStats st = sol.stats()[b];
            double independent = Fixtures.relativeResidual(a, 0, sol.solution(), g, b, n);
            assertEquals(independent, st.relativeResidual(), 1e-10 * independent + 1e-14);
            if (method.equals("LFPI")) {
                assertEquals(Status.DIVERGED, st.status());
                assertTrue(independent <= 1.0, "best iterate is no worse than the start v = 0");
            } else {
                assertTrue(st.ok(), st::toString);
                assertTrue(Fixtures.relativeError(sol.solution(), reference, b, n) < 1e-8);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    void nonFiniteOperatorOutputStaysInItsInstance(String method) {
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

        BatchSolution sol = BatchedLinearSolver.named(method).solve(poisoned, g, null, SolverOptions.defaults());

        assertTrue(Fixtures.allFinite(sol.solution()));
        assertTrue(sol.stats()[0].ok());
        assertTrue(Fixtures.relativeResidual(matrices, 0, sol.solution(), g, 0, n) <= 1e-10);
        Status expected = method.equals("LFPI") ? Status.DIVERGED : Status.NUMERICAL_FAILURE;
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
        SolverOptions options = SolverOptions.defaults();

        BatchSolution lfpi = BatchedLinearSolver.LFPI.solve(op, g, null, options);
        BatchSolution gmres = new Gmres(n).solve(op, g, null, options);

        for (int b = 0; b < batch; b++) {
            assertTrue(lfpi.stats()[b].ok() && gmres.stats()[b].ok());
            assertTrue(gmres.stats()[b].iterations() <= lfpi.stats()[b].iterations(),
                    gmres.stats()[b] + " vs " + lfpi.stats()[b]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB"})
    void convergenceIsDecidedByTheTrueResidualEvenBelowAttainableAccuracy(String method) {
        // At tolerance 1e-16 the recurrences (and estimates) can pass below the true residual, which stagnates
        // near machine precision: an instance may only be CONVERGED if its true residual (as evaluated through the
        // operator, whose own rounding is of that order) meets the tolerance.
        int batch = 6;
        int n = 50;
        double tolerance = 1e-16;
        Random random = new Random(17);
        double[] matrices = Fixtures.nearIdentityBatch(random, batch, n, 0.5);
        double[] g = Fixtures.uniform(random, batch * n);

        BatchSolution sol = BatchedLinearSolver.named(method)
                .solve(DenseBatchedOperator.perInstance(matrices, n, batch),
                g, null, SolverOptions.defaults().withTolerance(tolerance).withMaxIterations(300));

        for (int b = 0; b < batch; b++) {
            InstanceStats st = sol.stats()[b];
            assertTrue(st.status() == Status.OPTIMAL ? st.relativeResidual() <= tolerance
                    : st.status() == Status.ITERATION_LIMIT && st.relativeResidual() < 1e-14, st::toString);
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
        for (String method : List.of("LFPI", "GMRES", "BICGSTAB", "DIRECT", "AUTO")) {
            BatchedLinearSolver solver = BatchedLinearSolver.named(method);
            BatchedOperator op = DenseBatchedOperator.perInstance(matrices, n, batch);
            BatchSolution first = solver.solve(op, g, null, SolverOptions.defaults());
            BatchSolution second = solver.solve(op, g, null, SolverOptions.defaults());
            assertArrayEquals(first.solution(), second.solution(), method);
            assertArrayEquals(first.stats(), second.stats(), method);
            assertTrue(first.allOk(), method);
            for (int b = 0; b < batch; b++) {
                assertTrue(Fixtures.relativeError(first.solution(), reference, b, n) < 1e-8, method);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    void invalidInputsThrowNamingTheInstance(String method) {
        int batch = 3;
        int n = 4;
        BatchedOperator op = DenseBatchedOperator.shared(Fixtures.identity(n), n, batch);
        BatchedLinearSolver solver = BatchedLinearSolver.named(method);
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
        assertEquals(new SolverOptions(1e-10, 1000), SolverOptions.defaults());
        SolverOptions o = SolverOptions.defaults().withTolerance(1e-6).withMaxIterations(7);
        assertEquals(new SolverOptions(1e-6, 7), o);
        for (double bad : new double[] {0, -1e-8, 1, 1e300, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SolverOptions(bad, 10));
            assertTrue(e.getMessage().contains("tolerance") && e.getMessage().contains("(0, 1)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SolverOptions(1e-8, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Gmres(0));
        assertTrue(e.getMessage().contains("restart"));
        assertEquals(7, new Gmres(7).restart());
    }
}
