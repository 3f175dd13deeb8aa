package io.foldopt.fold;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The report of one folded backward pass: one {@link InstanceReport} per instance of the batch, and
 * the wall-clock time of the solve.
 *
 * @param instances per-instance reports, in batch order
 * @param seconds wall-clock seconds of the backward pass
 */
public record BackwardReport(InstanceReport[] instances, double seconds) {

    /** @return true if every instance is {@link InstanceReport#ok()} */
    public boolean allOk() {
        return Arrays.stream(instances).allMatch(InstanceReport::ok);
    }

    /** @return the indices of the instances that are not {@link InstanceReport#ok()} */
    public int[] failedInstances() {
        return IntStream.range(0, instances.length).filter(b -> !instances[b].ok()).toArray();
    }

    /** @return the largest relative residual over the batch */
    public double maxResidual() {
        return Arrays.stream(instances).mapToDouble(InstanceReport::relativeResidual).max().orElse(0);
    }

    /** @return the mean number of iterations over the batch */
    public double meanIterations() {
        return Arrays.stream(instances).mapToInt(InstanceReport::iterations).average().orElse(0);
    }

    /** @return the largest number of iterations over the batch */
    public int maxIterations() {
        return Arrays.stream(instances).mapToInt(InstanceReport::iterations).max().orElse(0);
    }
}
