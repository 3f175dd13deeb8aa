/**
 * Matrix-free batched linear solvers for the backward pass of folded optimization: {@code (I - Phi)^T v = g} for B
 * independent instances at once, with {@code A = (I - Phi)^T} available only through a {@link
 * io.foldopt.linalg.BatchedOperator}. {@link io.foldopt.linalg.BatchedLinearSolver} is implemented by fixed-point
 * iteration ({@link io.foldopt.linalg.Lfpi}), restarted GMRES ({@link io.foldopt.linalg.Gmres}), BiCGSTAB ({@link
 * io.foldopt.linalg.BiCgStab}), MINRES for symmetric systems ({@link io.foldopt.linalg.Minres}), a dense direct solve ({@link io.foldopt.linalg.DirectSolver}) and the automatic
 * choice among them ({@link io.foldopt.linalg.AutoSolver}), or by any solver of the user's; {@link io.foldopt.linalg.DenseLU}, {@link
 * io.foldopt.linalg.SpectralRadius} and {@link io.foldopt.linalg.DenseBatchedOperator} are dense helpers.
 */
package io.foldopt.linalg;
