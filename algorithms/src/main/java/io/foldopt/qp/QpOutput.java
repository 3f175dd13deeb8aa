package io.foldopt.qp;

import io.foldopt.autodiff.Var;

/**
 * The outputs of {@link DifferentiableQp#solveWithMultipliers}: the solution and the multipliers as graph
 * nodes (all differentiable through the same KKT system), and the per-instance report.
 *
 * @param z the solutions {@code (B, n)}
 * @param nu the equality multipliers {@code (B, p)}
 * @param lambda the inequality multipliers {@code (B, m)}
 * @param report status, KKT residual and derivative treatment of each instance
 */
public record QpOutput(Var z, Var nu, Var lambda, QpReport report) {}
