package io.foldopt.experiments;

/**
 * What one epoch of one method measured.
 *
 * @param epoch the epoch number, from 1
 * @param trainLoss the mean training loss over the epoch's minibatches
 * @param testMetric the experiment's test metric after the epoch (regret, MSE, recall, ...)
 * @param seconds wall-clock seconds of the epoch's training
 * @param cpuSeconds CPU seconds of the process (all threads) over the same span, NaN if not measured
 * @param forwardSeconds seconds spent in the optimization layers' forward passes
 * @param backwardSeconds seconds spent in the optimization layers' backward passes
 * @param backwardSolves folded backward solves in the epoch (instances)
 * @param meanBackwardIterations mean iterations of those solves (0 if none)
 * @param worstBackwardResidual largest relative residual of those solves (0 if none)
 * @param backwardFailures solves that did not converge
 */
public record EpochRecord(int epoch, double trainLoss, double testMetric, double seconds, double cpuSeconds,
        double forwardSeconds, double backwardSeconds, long backwardSolves, double meanBackwardIterations,
        double worstBackwardResidual, long backwardFailures) {}
