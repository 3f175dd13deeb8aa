package io.foldopt.fold;

import io.foldopt.autodiff.Var;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One application of a {@link FoldedLayer}: its output node and the report of this application's own backward
 * pass. Calls from several threads on one layer each see their own outcome.
 */
public final class LayerCall {
    private final Var output;
    private final AtomicReference<BackwardReport> report;

    LayerCall(Var output, AtomicReference<BackwardReport> report) {
        this.output = Objects.requireNonNull(output, "output");
        this.report = report;
    }

    /** @return the layer's output {@code x*(c)}, a node of the caller's graph */
    public Var output() {
        return output;
    }

    /**
     * @return the report of the backward pass through {@link #output()} (the latest, if the graph was differentiated
     *     more than once); empty until that backward pass has run, and always empty when the call ran without
     *     gradient recording
     */
    public Optional<BackwardReport> report() {
        return Optional.ofNullable(report.get());
    }
}
