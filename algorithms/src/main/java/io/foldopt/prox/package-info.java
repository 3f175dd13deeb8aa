/**
 * Differentiable proximal operators {@code prox_{t h}(v) = argmin_x h(x) + ||x - v||^2 / (2 t)}:
 * elementwise, batched, differentiable in {@code v} and in their parameters ({@link
 * io.foldopt.prox.Prox}), and packaged with their plain-array forms for forward solvers ({@link
 * io.foldopt.prox.ProximalOperator}).
 */
package io.foldopt.prox;
