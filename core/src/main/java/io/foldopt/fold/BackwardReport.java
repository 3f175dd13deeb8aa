package io.foldopt.fold;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The report of one folded backward pass: one {@link InstanceReport} per instance of the batch, and
 * the wall-clock time of the solve.
 *
 * @param instances per-instance reports, in batch order
 * @param seconds wall-clock seconds of the backward pass
 */
public record BackwardReport(InstanceReport[] instances, double seconds) {
    /** Failed instances listed by {@link #toString()}. */
    private static final int LISTED_FAILURES = 3;

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

    /**
     * @param limit the largest number of failed instances to list
     * @return the first {@code limit} failed instances as {@code instance b: <its report>}, separated by
     *     {@code "; "}, followed by {@code "; ..."} if more failed; empty if none failed
     */
    public String failures(int limit) {
        int[] failed = failedInstances();
        String listed = Arrays.stream(failed).limit(limit).mapToObj(b -> "instance " + b + ": " + instances[b])
                .collect(Collectors.joining("; "));
        return failed.length > limit ? listed + "; ..." : listed;
    }

    /**
     * @return one line: the methods that ran, the batch size, mean and largest iterations, the worst residual, the
     *     failures (the first few with their reports) and the time
     */
    @Override
    public String toString() {
        String methods = Arrays.stream(instances).map(InstanceReport::method).distinct()
                .collect(Collectors.joining("/"));
        int failed = failedInstances().length;
        return String.format(Locale.ROOT, "%s, %d instances, iterations mean %.1f max %d, worst residual %.2g, %s, "
                + "%.3g s", methods.isEmpty() ? "no solve" : methods, instances.length, meanIterations(),
                maxIterations(), maxResidual(), failed == 0 ? "no failures"
                        : failed + " failed (" + failures(LISTED_FAILURES) + ")", seconds);
    }
}
