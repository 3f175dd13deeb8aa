/**
 * Differentiable linear operators that are never materialized ({@link io.foldopt.operator.LinearOperator}): what
 * lets an update map scale to millions of variables.
 */
package io.foldopt.operator;
