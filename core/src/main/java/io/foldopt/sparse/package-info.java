/**
 * Sparse matrices with a fixed pattern ({@link io.foldopt.sparse.CsrMatrix}): constant or with differentiable
 * nonzero values, used as matrix-free {@link io.foldopt.operator.LinearOperator}s.
 */
package io.foldopt.sparse;
