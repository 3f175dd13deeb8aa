/**
 * Differentiable Euclidean projections of batches {@code x (B, n)} onto boxes, the simplex and the capped
 * simplex, l1 and l2 balls, halfspaces, hyperplanes and affine sets ({@link io.foldopt.projection.Projections}),
 * each a single recorded operation with a closed-form VJP in {@code x} and in the set's parameters, for update
 * maps of folded algorithms such as projected gradient {@code U(x, c) = P(x - alpha grad f(x, c))}.
 *
 * <p>First-order VJPs (the folded backward pass) apply the cached Jacobian in {@code O(n)} per instance;
 * VJPs recorded for a second differentiation differentiate the projection with its active set frozen, so
 * Hessian-vector products through a projection are exact too.
 */
package io.foldopt.projection;
