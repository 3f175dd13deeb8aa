package io.foldopt.nn;

/** Receives the metrics of each training epoch as soon as it ends (for logging or early inspection). */
@FunctionalInterface
public interface EpochListener {
    /** Called once per epoch, after validation. */
    void onEpoch(EpochMetrics metrics);
}
