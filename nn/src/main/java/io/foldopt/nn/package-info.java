/**
 * Neural networks on foldopt's autodiff: layers, losses, optimizers, data loading and a training loop.
 *
 * <p>A {@link io.foldopt.nn.Layer} maps a batch {@code x (B, d)} to {@code f_θ(x)} with trainable
 * tensors {@code θ} held in {@link io.foldopt.nn.Parameter} slots. A {@link io.foldopt.nn.Trainer} draws
 * minibatches from a {@link io.foldopt.nn.DataLoader}, asks a user {@link io.foldopt.nn.StepFunction}
 * for the loss {@code L(θ)} (which may pass through an optimization layer), computes {@code ∇_θ L} with
 * {@link io.foldopt.autodiff.Autodiff#vjp}, and lets an {@link io.foldopt.nn.Optimizer} install
 * {@code θ' = update(θ, ∇_θ L)}. Every random source takes a seed, so a run is reproducible.
 */
package io.foldopt.nn;
