package io.foldopt.experiments;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.InstanceReport;
import java.util.function.Supplier;

/**
 * Time and backward statistics of the optimization layers of one training epoch.
 *
 * <p>Forward time is measured around the layer call ({@link #forward}). Backward time is measured
 * between two identity taps: one on the layer's output, whose VJP runs just before the layer's, and
 * one on its input, whose VJP runs just after it (a reverse pass visits nodes in reverse creation
 * order); the input tap also collects the folded layer's report of that backward pass.
 */
public final class LayerStats {
    private double forwardSeconds;
    private double backwardSeconds;
    private long solves;
    private double iterations;
    private double worstResidual;
    private long failures;
    private long backwardStart;

    /** A snapshot of the statistics. */
    public record Snapshot(double forwardSeconds, double backwardSeconds, long solves, double meanIterations,
            double worstResidual, long failures) {}

    /** Clears the statistics (at the start of an epoch). */
    public synchronized void reset() {
        forwardSeconds = 0;
        backwardSeconds = 0;
        solves = 0;
        iterations = 0;
        worstResidual = 0;
        failures = 0;
    }

    /** @return the statistics so far */
    public synchronized Snapshot snapshot() {
        return new Snapshot(forwardSeconds, backwardSeconds, solves, solves == 0 ? 0 : iterations / solves,
                worstResidual, failures);
    }

    /**
     * Runs a layer and times its forward pass and, in the reverse pass, its backward pass.
     *
     * @param input the layer's (main) input
     * @param layer the layer applied to the tapped input
     * @param report the folded layer's last backward report, or null for layers without one
     * @return the tapped output
     */
    public Var forward(Var input, java.util.function.Function<Var, Var> layer, Supplier<BackwardReport> report) {
        Var in = Var.op(input.value(), new Var[] {input}, (i, g) -> {
            endBackward(report == null ? null : report.get());
            return g;
        });
        long t0 = System.nanoTime();
        Var out = layer.apply(in);
        synchronized (this) {
            forwardSeconds += (System.nanoTime() - t0) * 1e-9;
        }
        return Var.op(out.value(), new Var[] {out}, (i, g) -> {
            synchronized (this) {
                backwardStart = System.nanoTime();
            }
            return g;
        });
    }

    private synchronized void endBackward(BackwardReport report) {
        backwardSeconds += (System.nanoTime() - backwardStart) * 1e-9;
        if (report == null) {
            return;
        }
        for (InstanceReport r : report.instances()) {
            solves++;
            iterations += r.iterations();
            worstResidual = Math.max(worstResidual, r.relativeResidual());
            failures += r.ok() ? 0 : 1;
        }
    }
}
