package io.foldopt.qp;

import io.foldopt.parallel.Parallel;

/** Solves the instances of a {@link QpBatch} independently and in parallel. */
public final class QpBatchSolver {
    private QpBatchSolver() {}

    /**
     * Runs {@code solver} on every instance {@code k} of {@code batch} ({@link QpSolver#solve(QpProblem, int)})
     * with {@link Parallel#forEach}.
     *
     * @return one solution per instance, in batch order
     * @throws IllegalStateException naming the instance if the solver throws (with the solver's exception as
     *     the cause) or returns a solution of the wrong size
     */
    public static QpSolution[] solve(QpSolver solver, QpBatch batch) {
        int size = batch.size();
        QpSolution[] out = new QpSolution[size];
        RuntimeException[] errors = new RuntimeException[size];
        long dim = batch.n() + batch.equalities();
        long work = 10 * (dim * dim * dim + batch.inequalities() * dim * dim);
        Parallel.forEach(size, work, k -> {
            try {
                out[k] = solver.solve(batch.instance(k), k);
            } catch (RuntimeException e) {
                errors[k] = e;
            }
        });
        // Reported here, not on the worker threads, so that the message names the instance.
        for (int k = 0; k < size; k++) {
            if (errors[k] != null) {
                throw new IllegalStateException("QP solver failed on instance " + k + ": " + errors[k], errors[k]);
            }
            QpSolution s = out[k];
            if (s == null || s.z().length != batch.n() || s.nu().length != batch.equalities()
                    || s.lambda().length != batch.inequalities()) {
                throw new IllegalStateException("QP solver returned " + (s == null ? "null" : "a solution of the wrong"
                        + " size") + " for instance " + k);
            }
        }
        return out;
    }
}
