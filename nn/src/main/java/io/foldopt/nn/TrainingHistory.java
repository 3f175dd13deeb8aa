package io.foldopt.nn;

import java.util.List;

/** The per-epoch metrics of one {@link Trainer#fit} call, in epoch order. */
public final class TrainingHistory {
    private final List<EpochMetrics> epochs;

    TrainingHistory(List<EpochMetrics> epochs) {
        this.epochs = List.copyOf(epochs);
    }

    /** @return the metrics of every epoch */
    public List<EpochMetrics> epochs() {
        return epochs;
    }

    /** @return the metrics of the last epoch */
    public EpochMetrics last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch was run");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** @return the training loss of each epoch */
    public double[] trainLosses() {
        return epochs.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
    }

    /** @return the validation or extra metric {@code name} of each epoch (NaN where absent) */
    public double[] series(String name) {
        return epochs.stream().mapToDouble(m -> m.metric(name)).toArray();
    }
}
