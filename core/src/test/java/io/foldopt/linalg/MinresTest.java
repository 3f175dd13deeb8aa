package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinresTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-12);

    /** @return {@code Q diag(d) Q^T} with a random orthogonal Q: symmetric with eigenvalues d */
    private static double[] symmetric(Random random, double[] d) {
        int n = d.length;
        double[] q = Fixtures.orthogonal(random, n);
        double[] a = Fixtures.similarity(q, d, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = m;
                a[j * n + i] = m;
            }
        }
        return a;
    }

    private static double[] spectrum(int n, double lo, double hi) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = lo + (hi - lo) * i / (n - 1);
            if (Math.abs(d[i]) < 0.1) {
                d[i] = 0.1;
            }
        }
        return d;
    }

    @Test
    void symmetricDefiniteAndIndefiniteSystemsMatchTheDirectSolver() {
        int n = 40;
        Random random = new Random(4);
        // instance 0 positive definite, 1 indefinite (a saddle's I - Phi), 2 negative definite
        double[][] blocks = {symmetric(random, spectrum(n, 0.2, 3)), symmetric(random, spectrum(n, -1.5, 2)),
            symmetric(random, spectrum(n, -2, -0.3))};
        double[] matrices = new double[3 * n * n];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(blocks[b], 0, matrices, b * n * n, n * n);
        }
        double[] g = Fixtures.uniform(random, 3 * n);
        BatchedOperator op = DenseBatchedOperator.perInstance(matrices, n, 3);

        BatchSolution minres = BatchedLinearSolver.named("minres").solve(op, g, null, TIGHT);
        BatchSolution direct = BatchedLinearSolver.DIRECT.solve(op, g, null, TIGHT);

        assertTrue(minres.allOk(), () -> Arrays.toString(minres.stats()));
        for (int b = 0; b < 3; b++) {
            InstanceStats st = minres.stats()[b];
            assertEquals("MINRES", st.method());
            assertTrue(Fixtures.relativeError(minres.solution(), direct.solution(), b, n) <= 1e-10,
                    "instance " + b + ": " + Fixtures.relativeError(minres.solution(), direct.solution(), b, n));
            assertEquals(Fixtures.relativeResidual(matrices, b * n * n, minres.solution(), g, b, n),
                    st.relativeResidual(), 1e-14);
            assertTrue(st.iterations() > 1 && st.iterations() <= 2 * n, st::toString);
        }
    }

    @Test
    void minimizesTheResidualSoNeedsNoMoreIterationsThanUnrestartedGmres() {
        // Both iterates minimize ||g - A v|| over the same Krylov space when A is symmetric.
        int n = 30;
        Random random = new Random(9);
        double[] a = symmetric(random, spectrum(n, -1, 4));
        double[] g = Fixtures.uniform(random, n);
        BatchedOperator op = DenseBatchedOperator.shared(a, n, 1);
        SolverOptions options = SolverOptions.defaults().withTolerance(1e-8);

        InstanceStats minres = BatchedLinearSolver.MINRES.solve(op, g, null, options).stats()[0];
        InstanceStats gmres = new Gmres(n).solve(op, g, null, options).stats()[0];

        assertTrue(minres.ok() && gmres.ok());
        assertTrue(Math.abs(minres.iterations() - gmres.iterations()) <= 1, minres + " vs " + gmres);
    }

    @Test
    void refusesANonsymmetricOperatorWithoutTouchingTheSymmetricInstances() {
        int n = 12;
        Random random = new Random(2);
        double[] matrices = new double[2 * n * n];
        System.arraycopy(symmetric(random, spectrum(n, 0.5, 2)), 0, matrices, 0, n * n);
        // a projected gradient step with two active bounds: I - Phi^T = I - (I - alpha H) D is not symmetric
        double[] h = symmetric(random, spectrum(n, 0.5, 2));
        double[] a = Fixtures.identity(n);
        for (int i = 0; i < n; i++) {
            for (int j = 2; j < n; j++) {
                a[i * n + j] -= (i == j ? 1 : 0) - 0.4 * h[i * n + j];
            }
        }
        System.arraycopy(a, 0, matrices, n * n, n * n);
        double[] g = Fixtures.uniform(random, 2 * n);
        double[] guess = Fixtures.uniform(random, 2 * n);

        BatchSolution s = BatchedLinearSolver.MINRES.solve(DenseBatchedOperator.perInstance(matrices, n, 2), g,
                guess, TIGHT);

        assertTrue(s.stats()[0].ok(), s.stats()[0]::toString);
        InstanceStats refused = s.stats()[1];
        assertEquals(Status.NUMERICAL_FAILURE, refused.status());
        assertTrue(refused.detail().startsWith("operator is not symmetric"), refused.detail());
        assertEquals(0, refused.iterations());
        assertArrayEquals(Arrays.copyOfRange(guess, n, 2 * n), Arrays.copyOfRange(s.solution(), n, 2 * n));
    }

    @Test
    void reportsTheIterationLimitWithAnImprovedIterateAndSettlesZeroRightHandSides() {
        int n = 50;
        Random random = new Random(7);
        double[] a = symmetric(random, spectrum(n, 0.01, 10));
        double[] g = Fixtures.uniform(random, 2 * n);
        Arrays.fill(g, n, 2 * n, 0.0);

        BatchSolution s = BatchedLinearSolver.MINRES.solve(DenseBatchedOperator.shared(a, n, 2), g, null,
                SolverOptions.defaults().withMaxIterations(5));

        InstanceStats limited = s.stats()[0];
        assertEquals(Status.ITERATION_LIMIT, limited.status());
        assertEquals(5, limited.iterations());
        assertTrue(limited.relativeResidual() > 1e-10 && limited.relativeResidual() < 1, limited::toString);
        assertEquals(new InstanceStats("MINRES", 0, 0.0, Status.OPTIMAL, ""), s.stats()[1]);
        assertTrue(Fixtures.allFinite(s.solution()));
    }

    @Test
    void theIdentityIsSolvedInOneIteration() {
        int n = 6;
        double[] g = Fixtures.uniform(new Random(1), 3 * n);
        BatchSolution s = BatchedLinearSolver.MINRES.solve(DenseBatchedOperator.shared(Fixtures.identity(n), n, 3), g,
                null, TIGHT);
        assertTrue(s.allOk());
        assertArrayEquals(g, s.solution(), 1e-15);
        for (InstanceStats st : s.stats()) {
            assertEquals(1, st.iterations());
        }
    }
}
