package io.foldopt.qp;

import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The report of one {@link DifferentiableQp} call: one {@link QpInstanceReport} per instance.
 *
 * @param instances per-instance reports, in batch order
 */
public record QpReport(QpInstanceReport[] instances) {

    /** @return true if every instance is optimal */
    public boolean allOptimal() {
        return Arrays.stream(instances).allMatch(r -> r.status().ok());
    }

    /** @return the indices of the instances that are not optimal */
    public int[] failedInstances() {
        return indices(r -> !r.status().ok());
    }

    /** @return the indices of the instances whose VJP is regularized */
    public int[] regularizedInstances() {
        return indices(QpInstanceReport::regularized);
    }

    /** @return the indices of the instances with a degenerate derivative ({@link QpInstanceReport#degenerate}) */
    public int[] degenerateInstances() {
        return indices(QpInstanceReport::degenerate);
    }

    /**
     * @return the indices of the instances whose VJP is computed but flagged: regularized ({@link Status#SINGULAR})
     *     or ill-conditioned ({@link Status#OPTIMAL_INACCURATE}, see {@link QpInstanceReport#gradientStatus()})
     */
    public int[] flaggedGradients() {
        return indices(r -> (r.derivative() == QpDerivative.EXACT || r.regularized()) && !r.gradientStatus().ok());
    }

    /** @return the largest KKT residual over the batch */
    public double maxKktResidual() {
        return Arrays.stream(instances).mapToDouble(QpInstanceReport::kktResidual).max().orElse(0);
    }

    private int[] indices(Predicate<QpInstanceReport> p) {
        return IntStream.range(0, instances.length).filter(k -> p.test(instances[k])).toArray();
    }
}
