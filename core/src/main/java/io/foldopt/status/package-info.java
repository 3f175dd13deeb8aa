/**
 * The status vocabulary shared by every solver of foldopt ({@link io.foldopt.status.Status}) and the one policy for
 * failing instances ({@link io.foldopt.status.FailurePolicy}), and the exception of a failed solve with its status and
 * instance ({@link io.foldopt.status.SolveException}).
 */
package io.foldopt.status;
