package io.foldopt.autodiff;

import java.util.function.Supplier;

/**
 * Per-thread switch that decides whether operations record the graph.
 *
 * <p>Recording is on by default; an operation records a node only when it is on and at least one
 * operand requires a gradient. {@link #noGrad(Supplier)} turns it off for a block (forward solvers,
 * evaluation, first-order backward passes); {@link #withGrad(Supplier)} turns it back on (the backward
 * pass of a second-order VJP).
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** @return whether operations on this thread record the graph */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Runs {@code body} with recording off on this thread and returns its result. */
    public static <T> T noGrad(Supplier<T> body) {
        return with(false, body);
    }

    /** Runs {@code body} with recording on on this thread and returns its result. */
    public static <T> T withGrad(Supplier<T> body) {
        return with(true, body);
    }

    private static <T> T with(boolean enabled, Supplier<T> body) {
        boolean[] flag = ENABLED.get();
        boolean old = flag[0];
        flag[0] = enabled;
        try {
            return body.get();
        } finally {
            flag[0] = old;
        }
    }
}
