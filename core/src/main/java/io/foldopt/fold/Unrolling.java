package io.foldopt.fold;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A scope in which the {@link FoldedLayer}s applied on the current thread are unrolled instead of folded, so that a
 * model built from folded layers can be differentiated by unrolling without being rebuilt: each such layer still runs
 * its forward solver for {@code x*}, then records {@code K} steps {@code x_{k+1} = U(x_k, c)} of its update from
 * {@code x_0 = start(x*)} (as an {@link UnrolledLayer} does) and returns {@code x_K} through its read-out.
 */
public final class Unrolling {
    private static final ThreadLocal<Unrolling> ACTIVE = new ThreadLocal<>();

    private final int iterations;
    private final UnaryOperator<Tensor> start;
    private final AtomicInteger layers = new AtomicInteger();

    /**
     * @param iterations the number {@code K >= 1} of recorded steps
     * @param start the start {@code x_0} from the forward solution {@code x*} (same shape; not differentiated)
     */
    public Unrolling(int iterations, UnaryOperator<Tensor> start) {
        if (iterations < 1) {
            throw new IllegalArgumentException("unrolling needs at least one iteration, got " + iterations);
        }
        this.iterations = iterations;
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Runs {@code body} with this scope active on the current thread and returns its result. */
    public <T> T during(Supplier<T> body) {
        Unrolling outer = ACTIVE.get();
        ACTIVE.set(this);
        try {
            return body.get();
        } finally {
            ACTIVE.set(outer);
        }
    }

    /** @return how many folded layer applications this scope has unrolled so far */
    public int unrolledLayers() {
        return layers.get();
    }

    /** @return the scope active on the current thread, or null */
    static Unrolling active() {
        return ACTIVE.get();
    }

    /** @return {@code x_K}: {@code K} recorded steps of {@code update} from {@code start(xStar)} */
    Var unroll(UpdateMap update, Tensor xStar, Var[] params) {
        Tensor x0 = start.apply(xStar);
        if (!x0.sameShape(xStar)) {
            throw new IllegalArgumentException("unrolling start has shape " + Arrays.toString(x0.shape())
                    + ", the forward solution has shape " + Arrays.toString(xStar.shape()));
        }
        layers.incrementAndGet();
        return new UnrolledLayer(update, p -> x0, iterations).apply(params);
    }
}
