package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Batched solves split into parts of the batch, one per thread, against the same solves of the whole batch. */
class BatchPartsTest {
    private static final int BATCH = 6;
    private static final int N = 800;

    /** {@code y_b = A_{from+b} x_b} with per-instance matrices, recording the parts it is applied to. */
    private static BatchedOperator.RowAction perInstance(double[] a, Set<String> parts) {
        return (from, to, x, y) -> {
            parts.add(from + "-" + to);
            for (int b = 0; b < to - from; b++) {
                int m = (from + b) * N * N;
                for (int i = 0; i < N; i++) {
                    double s = 0;
                    for (int k = 0; k < N; k++) {
                        s += a[m + i * N + k] * x[b * N + k];
                    }
                    y[b * N + i] = s;
                }
            }
        };
    }

    /** @return symmetric matrices {@code (A + A^T) / 2} of near-identity A, for MINRES as well as the others */
    private static double[] symmetricBatch(Random random) {
        double[] a = Fixtures.nearIdentityBatch(random, BATCH, N, 0.6);
        for (int b = 0; b < BATCH; b++) {
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < i; k++) {
                    int ik = b * N * N + i * N + k;
                    int ki = b * N * N + k * N + i;
                    double mean = 0.5 * (a[ik] + a[ki]);
                    a[ik] = mean;
                    a[ki] = mean;
                }
            }
        }
        return a;
    }

    @Test
    void partsSolveEachInstanceLikeTheWholeBatch() {
        Random random = new Random(17);
        double[] a = symmetricBatch(random);
        double[] g = Fixtures.uniform(random, BATCH * N);
        Arrays.fill(g, 2 * N, 3 * N, 0.0);
        double[] guess = Fixtures.uniform(random, BATCH * N);
        int previous = Parallel.threads();
        Parallel.setThreads(2);
        try {
            for (BatchedLinearSolver solver : List.of(BatchedLinearSolver.GMRES, BatchedLinearSolver.LFPI,
                    BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.MINRES)) {
                for (double[] start : new double[][] {null, guess}) {
                    Set<String> split = ConcurrentHashMap.newKeySet();
                    Set<String> whole = ConcurrentHashMap.newKeySet();
                    BatchedOperator restrictable = BatchedOperator.ofRows(BATCH, N, perInstance(a, split));
                    BatchedOperator.RowAction plain = perInstance(a, whole);
                    BatchSolution parts = solver.solve(restrictable, g, start, SolverOptions.defaults());
                    BatchSolution one = solver.solve(BatchedOperator.of(BATCH, N, (x, y) -> plain.apply(0, BATCH, x, y)),
                            g, start, SolverOptions.defaults());
                    String what = solver + (start == null ? " from zero" : " from a guess");
                    assertEquals(Set.of("0-3", "3-6"), split, what + ": applied to the two halves alone");
                    assertEquals(Set.of("0-6"), whole, what);
                    for (int b = 0; b < BATCH; b++) {
                        InstanceStats p = parts.stats()[b];
                        InstanceStats w = one.stats()[b];
                        assertEquals(w.status(), p.status(), what + ", instance " + b);
                        assertEquals(w.iterations(), p.iterations(), what + ", instance " + b);
                        // The operator treats rows alike in a part and in the whole batch, and an instance's
                        // recurrence does not depend on the others: the same arithmetic, bit for bit.
                        assertEquals(w.relativeResidual(), p.relativeResidual(), 0.0, what + ", instance " + b);
                        assertTrue(p.ok() || solver == BatchedLinearSolver.LFPI, what + ", instance " + b + ": " + p);
                        assertArrayEquals(Arrays.copyOfRange(one.solution(), b * N, (b + 1) * N),
                                Arrays.copyOfRange(parts.solution(), b * N, (b + 1) * N), 0.0,
                                what + ", instance " + b);
                    }
                }
            }
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void inputErrorsNameTheInstanceOfTheWholeBatch() {
        double[] a = Fixtures.nearIdentityBatch(new Random(3), BATCH, N, 0.5);
        BatchedOperator op = BatchedOperator.ofRows(BATCH, N, perInstance(a, ConcurrentHashMap.newKeySet()));
        double[] g = new double[BATCH * N];
        g[4 * N + 7] = Double.NaN;
        int previous = Parallel.threads();
        Parallel.setThreads(2);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BatchedLinearSolver.GMRES.solve(op, g, null, SolverOptions.defaults()));
            assertTrue(e.getMessage().contains("instance 4") && e.getMessage().contains("index 7"), e.getMessage());
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void restrictionsAreContiguousNonemptyParts() {
        Set<String> applied = ConcurrentHashMap.newKeySet();
        BatchedOperator op = BatchedOperator.ofRows(BATCH, N, (from, to, x, y) -> applied.add(from + "-" + to));
        BatchedOperator part = op.restrict(2, 5).orElseThrow();
        assertEquals(3, part.batch());
        assertEquals(N, part.dim());
        BatchedOperator inner = part.restrict(1, 2).orElseThrow();
        assertEquals(1, inner.batch());
        inner.apply(new double[N], new double[N]);
        assertEquals(Set.of("3-4"), applied, "instance 1 of the part of instances 2 to 4 is instance 3");
        assertThrows(IllegalArgumentException.class, () -> op.restrict(3, 3));
        assertThrows(IllegalArgumentException.class, () -> op.restrict(4, 7));
        assertFalse(BatchedOperator.of(BATCH, N, (x, y) -> { }).restrict(0, 1).isPresent());
    }
}
