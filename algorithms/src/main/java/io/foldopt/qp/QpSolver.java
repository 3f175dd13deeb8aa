package io.foldopt.qp;

/**
 * A solver of one convex QP instance {@code min 1/2 z^T P z + q^T z  s.t.  A z = b,  G z <= h}.
 *
 * <p>Implementations must be safe to call concurrently on different instances ({@link QpBatchSolver} runs
 * a batch in parallel), must report infeasible and unbounded instances through {@link QpSolution#status()}
 * instead of throwing, and must never return NaN.
 */
@FunctionalInterface
public interface QpSolver {
    /** @return the solution of {@code problem}, with its status and KKT residual */
    QpSolution solve(QpProblem problem);

    /**
     * Solves instance {@code instance} of a batch ({@link QpBatchSolver} calls this). A solver may keep state per
     * instance index between calls, such as the previous call's active set to warm-start from
     * ({@link WarmStartQpSolver}); the solution must not depend on it beyond rounding. By default
     * {@link #solve(QpProblem)}.
     *
     * @param instance the index of the instance in its batch
     * @return the solution of {@code problem}, with its status and KKT residual
     */
    default QpSolution solve(QpProblem problem, int instance) {
        return solve(problem);
    }
}
