package io.foldopt.linalg;

import io.foldopt.status.Status;
import java.util.Objects;

/**
 * Solutions of a batch of linear systems {@code A_b v_b = g_b} and how each solve ended.
 *
 * <p>The arrays are returned as computed, not copied.
 *
 * @param solution the solutions {@code v_b} as the rows of a flat row-major {@code B x n} array; always finite
 * @param stats per-instance statistics, length {@code B}
 */
public record BatchSolution(double[] solution, InstanceStats[] stats) {
    /** Checks that both arrays are non-null. */
    public BatchSolution {
        Objects.requireNonNull(solution, "solution");
        Objects.requireNonNull(stats, "stats");
    }

    /** @return whether every instance has status {@link Status#OPTIMAL} */
    public boolean allOk() {
        for (InstanceStats s : stats) {
            if (!s.ok()) {
                return false;
            }
        }
        return true;
    }
}
