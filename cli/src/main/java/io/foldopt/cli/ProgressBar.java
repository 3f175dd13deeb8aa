package io.foldopt.cli;

import io.foldopt.experiments.EpochRecord;
import io.foldopt.experiments.Experiment;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a run on stderr: on a terminal, one bar redrawn in place with the epochs done, the
 * current method and the estimated time left; otherwise (or when asked) one plain line per epoch.
 */
final class ProgressBar implements Experiment.Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean redraw;
    private final long start = System.nanoTime();

    /**
     * @param err where to write
     * @param redraw draw a bar redrawn in place (a terminal) instead of plain lines
     */
    ProgressBar(PrintWriter err, boolean redraw) {
        this.err = err;
        this.redraw = redraw;
    }

    @Override
    public void onEpoch(String method, EpochRecord r, int done, int total) {
        double elapsed = (System.nanoTime() - start) * 1e-9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        if (redraw) {
            int filled = (int) Math.round(WIDTH * (double) done / total);
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d epochs  %-20s ETA %s ", "#".repeat(filled),
                    ".".repeat(WIDTH - filled), done, total, method, clock(eta));
            if (done == total) {
                err.println();
            }
        } else {
            err.printf(Locale.ROOT, "%s epoch %d: train loss %.6g, test metric %.6g, %.2f s (%d/%d, ETA %s)%n",
                    method, r.epoch(), r.trainLoss(), r.testMetric(), r.seconds(), done, total, clock(eta));
        }
        err.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
