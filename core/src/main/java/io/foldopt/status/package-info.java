/**
 * The status vocabulary shared by every solver of foldopt ({@link io.foldopt.status.Status}) and the one policy for
 * failing instances ({@link io.foldopt.status.FailurePolicy}).
 */
package io.foldopt.status;
