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
}
