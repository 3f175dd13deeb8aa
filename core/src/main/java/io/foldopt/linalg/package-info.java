/**
 * Matrix-free batched linear solvers for the backward pass of folded optimization: {@code (I - Phi)^T v = g} for B
 * independent instances at once, with {@code A = (I - Phi)^T} available only through a {@link
 * io.foldopt.linalg.BatchedOperator}. {@link io.foldopt.linalg.BatchedLinearSolver#of} gives fixed-point iteration,
 * restarted GMRES, BiCGSTAB or a dense direct solve; {@link io.foldopt.linalg.DenseLU}, {@link
 * io.foldopt.linalg.SpectralRadius} and {@link io.foldopt.linalg.DenseBatchedOperator} are dense helpers.
 */
package io.foldopt.linalg;
