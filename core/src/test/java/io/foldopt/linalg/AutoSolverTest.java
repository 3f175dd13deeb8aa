package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** AUTO's choice (DIRECT, LFPI, GMRES), when it estimates the spectral radius, and DIRECT's memory guard. */
class AutoSolverTest {
    /** A diagonal operator {@code A = diag(d)} shared by the batch that counts its applications. */
    private static BatchedOperator counting(double[] d, int batch, AtomicInteger applications) {
        int n = d.length;
        return BatchedOperator.of(batch, n, (x, y) -> {
            applications.incrementAndGet();
            for (int i = 0; i < x.length; i++) {
                y[i] = d[i % n] * x[i];
            }
        });
    }

    private static double[] diagonal(int n, double lo, double hi) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = lo + (hi - lo) * i / Math.max(1, n - 1);
        }
        return d;
    }

    private static void assertSolves(BatchSolution sol, double[] d, double[] g) {
        assertTrue(sol.allOk(), () -> java.util.Arrays.toString(sol.stats()));
        double error = 0;
        double norm = 0;
        for (int i = 0; i < g.length; i++) {
            double exact = g[i] / d[i % d.length];
            error += Math.pow(sol.solution()[i] - exact, 2);
            norm += exact * exact;
        }
        assertTrue(Math.sqrt(error / norm) < 1e-8, "relative error " + Math.sqrt(error / norm));
    }

    @Test
    void smallSystemsGoDirectWithoutASpectralRadiusEstimate() {
        int n = 30;
        int batch = 3;
        double[] d = diagonal(n, 0.5, 3.0);
        double[] g = Fixtures.uniform(new Random(1), batch * n);
        AtomicInteger applications = new AtomicInteger();
        BatchSolution sol = BatchedLinearSolver.AUTO.solve(counting(d, batch, applications), g, null,
                SolverOptions.defaults());
        assertSolves(sol, d, g);
        InstanceStats s = sol.stats()[0];
        assertEquals("DIRECT", s.method());
        assertTrue(s.spectralRadius().isEmpty(), s::toString);
        assertTrue(s.detail().contains("n = 30 <= directMaxDim 64"), s.detail());
        // n applications materialize A and one evaluates the true residual: no power iteration.
        assertEquals(n + 1, applications.get());
    }

    @Test
    void largerSystemsChooseLfpiOrGmresFromTheEstimatedSpectralRadius() {
        int n = 200;
        int batch = 2;
        double[] g = Fixtures.uniform(new Random(2), batch * n);
        double[] contractive = diagonal(n, 0.9, 1.1);
        BatchSolution lfpi = BatchedLinearSolver.AUTO.solve(counting(contractive, batch, new AtomicInteger()), g,
                null, SolverOptions.defaults());
        assertSolves(lfpi, contractive, g);
        assertEquals("LFPI", lfpi.stats()[1].method());
        assertEquals(0.1, lfpi.stats()[1].spectralRadius().orElseThrow(), 0.02, "rho(I - A) = 0.1");

        double[] spread = diagonal(n, 0.2, 5.0);
        BatchSolution gmres = BatchedLinearSolver.AUTO.solve(counting(spread, batch, new AtomicInteger()), g, null,
                SolverOptions.defaults());
        assertSolves(gmres, spread, g);
        assertEquals("GMRES", gmres.stats()[0].method());
        assertTrue(gmres.stats()[0].detail().contains("> lfpiMaxRho 0.3"), gmres.stats()[0].detail());
        assertEquals(4.0, gmres.stats()[0].spectralRadius().orElseThrow(), 0.2, "rho(I - A) = 4");

        AtomicInteger applications = new AtomicInteger();
        BatchedLinearSolver.AUTO.solve(counting(spread, batch, applications), new double[batch * n], null,
                SolverOptions.defaults());
        assertEquals(0, applications.get(), "zero right-hand sides need no estimate and no application");
    }

    @Test
    void aGmresBasisAboveTheBoundTakesBiCgStab() {
        int n = 200;
        int batch = 2;
        double[] g = Fixtures.uniform(new Random(4), batch * n);
        double[] spread = diagonal(n, 0.2, 5.0);
        long basis = 8L * (Gmres.DEFAULT_RESTART + 1) * batch * n;
        BatchSolution small = new AutoSolver(0, AutoSolver.DEFAULT_LFPI_MAX_RHO, basis)
                .solve(counting(spread, batch, new AtomicInteger()), g, null, SolverOptions.defaults());
        assertSolves(small, spread, g);
        assertEquals("GMRES", small.stats()[0].method(), "a basis of exactly the bound is allowed");

        BatchSolution large = new AutoSolver(0, AutoSolver.DEFAULT_LFPI_MAX_RHO, basis - 1)
                .solve(counting(spread, batch, new AtomicInteger()), g, null, SolverOptions.defaults());
        assertSolves(large, spread, g);
        assertEquals("BICGSTAB", large.stats()[1].method());
        assertTrue(large.stats()[1].detail().contains("GMRES's Krylov basis of ")
                && large.stats()[1].detail().contains("> gmresMaxBasisBytes"), large.stats()[1].detail());

        double[] contractive = diagonal(n, 0.9, 1.1);
        BatchSolution lfpi = new AutoSolver(0, AutoSolver.DEFAULT_LFPI_MAX_RHO, 0)
                .solve(counting(contractive, batch, new AtomicInteger()), g, null, SolverOptions.defaults());
        assertEquals("LFPI", lfpi.stats()[0].method(), "a contraction still takes LFPI");
        assertEquals(Runtime.getRuntime().maxMemory() / 4, new AutoSolver().gmresMaxBasisBytes());
    }

    @Test
    void directRefusesASizeThatDoesNotFitAndAutoFallsBackToAnIterativeSolver() {
        int n = 40_000;
        double[] d = diagonal(n, 0.95, 1.05);
        double[] g = Fixtures.uniform(new Random(3), n);
        AtomicInteger applications = new AtomicInteger();
        BatchedOperator op = counting(d, 1, applications);
        assertTrue(DirectSolver.memoryBytes(1, n) > Runtime.getRuntime().maxMemory(), "the test needs a size too big");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchedLinearSolver.DIRECT.solve(op, g, null, SolverOptions.defaults()));
        String message = e.getMessage();
        assertTrue(message.startsWith("DIRECT needs about ") && message.contains(" GB for 1 dense Jacobians of "
                + "dimension 40000") && message.contains("free") && message.contains("GMRES")
                && message.contains("-Xmx") && !message.contains("\n"), message);
        assertEquals(0, applications.get(), "refused before any work");

        BatchSolution sol = new AutoSolver(Integer.MAX_VALUE, AutoSolver.DEFAULT_LFPI_MAX_RHO)
                .solve(op, g, null, SolverOptions.defaults());
        assertSolves(sol, d, g);
        InstanceStats s = sol.stats()[0];
        assertEquals("LFPI", s.method());
        assertEquals(Status.OPTIMAL, s.status());
        assertTrue(s.detail().startsWith("AUTO: DIRECT needs about ") && s.detail().contains("so an iterative"),
                s.detail());
    }

    @Test
    void memoryEstimateCountsTheMatricesAndTheWorkspace() {
        long matrices = 8L * 100 * 100 * 16;
        assertTrue(DirectSolver.memoryBytes(16, 100) > matrices);
        assertTrue(DirectSolver.memoryBytes(16, 100) <= 4 * matrices);
        assertEquals(Long.MAX_VALUE, DirectSolver.memoryBytes(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void invalidThresholdsAndNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AutoSolver(-1, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new AutoSolver(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new AutoSolver(10, 0.3, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchedLinearSolver.named("newton"));
        assertTrue(e.getMessage().contains("'newton'") && e.getMessage().contains("gmres"), e.getMessage());
        assertEquals(BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.named("BiCgStab"));
        assertEquals("AUTO(directMaxDim 64, lfpiMaxRho 0.3, gmresMaxBasisBytes 1.00 MB)",
                new AutoSolver(64, 0.3, 1 << 20).toString());
        assertEquals("GMRES(7)", new Gmres(7).toString());
        assertEquals("LFPI", BatchedLinearSolver.LFPI.toString());
    }
}
