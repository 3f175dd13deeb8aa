/**
 * Convex quadratic programs, batched and differentiable:
 * {@code min 1/2 z^T P z + q^T z  s.t.  A z = b,  G z <= h}.
 *
 * <ul>
 *   <li>{@link io.foldopt.qp.QpProblem} and {@link io.foldopt.qp.QpBatch}: validated instances and batches
 *       (each parameter shared or per instance).
 *   <li>{@link io.foldopt.qp.QpSolver}: one instance to a {@link io.foldopt.qp.QpSolution} (primal-dual point,
 *       {@link io.foldopt.status.Status}, KKT residual). Implementations:
 *       {@link io.foldopt.qp.InteriorPointQpSolver} (Mehrotra predictor-corrector on a homogeneous embedding,
 *       with infeasibility and unboundedness certificates and an active-set polish) and
 *       {@link io.foldopt.qp.OjAlgoQpSolver} (ojAlgo's {@code ConvexSolver}).
 *       {@link io.foldopt.qp.QpBatchSolver} runs a batch in parallel.
 *   <li>{@link io.foldopt.qp.DifferentiableQp}: the QP as a graph operation whose VJP differentiates the
 *       KKT conditions at the solution (OptNet), with gradients for all of {@code P, q, A, b, G, h}, the
 *       multipliers as outputs, and a per-instance {@link io.foldopt.qp.QpReport} of the forward status and
 *       the treatment of degenerate instances.
 * </ul>
 */
package io.foldopt.qp;
