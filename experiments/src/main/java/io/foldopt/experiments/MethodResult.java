package io.foldopt.experiments;

import java.util.List;

/**
 * The outcome of training and evaluating one method of an experiment.
 *
 * @param method the method's name, e.g. {@code folded-pgd} or {@code two-stage}
 * @param initialTestMetric the test metric of the untrained model
 * @param finalTestMetric the test metric after training
 * @param epochs one record per epoch
 */
public record MethodResult(String method, double initialTestMetric, double finalTestMetric,
        List<EpochRecord> epochs) {

    /**
     * @return whether the method has an optimization layer (its forward and backward passes were timed): false for
     *     a plain loss such as two-stage's
     */
    public boolean hasLayer() {
        return epochs.stream().anyMatch(e -> e.forwardSeconds() > 0 || e.backwardSeconds() > 0);
    }

    /** @return whether the method ran folded backward solves, so that their iterations and residuals exist */
    public boolean hasFoldedBackward() {
        return epochs.stream().anyMatch(e -> e.backwardSolves() > 0);
    }

    /** @return mean wall-clock seconds per epoch */
    public double meanEpochSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::seconds).average().orElse(0);
    }

    /** @return mean CPU seconds of the process per epoch (all threads; NaN if not measured) */
    public double meanEpochCpuSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::cpuSeconds).average().orElse(0);
    }

    /** @return mean layer forward seconds per epoch */
    public double meanForwardSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::forwardSeconds).average().orElse(0);
    }

    /** @return mean layer backward seconds per epoch */
    public double meanBackwardSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::backwardSeconds).average().orElse(0);
    }

    /** @return mean backward iterations over all solves of all epochs */
    public double meanBackwardIterations() {
        long solves = epochs.stream().mapToLong(EpochRecord::backwardSolves).sum();
        return solves == 0 ? 0
                : epochs.stream().mapToDouble(e -> e.meanBackwardIterations() * e.backwardSolves()).sum() / solves;
    }

    /** @return the largest backward residual of all epochs */
    public double worstBackwardResidual() {
        return epochs.stream().mapToDouble(EpochRecord::worstBackwardResidual).max().orElse(0);
    }

    /** @return backward solves that did not converge, over all epochs */
    public long backwardFailures() {
        return epochs.stream().mapToLong(EpochRecord::backwardFailures).sum();
    }
}
