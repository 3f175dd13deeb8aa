/**
 * Studies of folded differentiation on the experiments' layers and on problems of known structure: which backward
 * solver to use, the spectral radius of {@code Phi = dU/dx} and the step size, the starting point, memory against
 * unrolling, and nonconvex problems. Each {@link io.foldopt.experiments.study.Study} writes CSV files and PNG charts
 * and returns its table; {@link io.foldopt.experiments.study.Studies} lists them.
 */
package io.foldopt.experiments.study;
