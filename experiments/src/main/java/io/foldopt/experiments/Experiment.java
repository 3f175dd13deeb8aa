package io.foldopt.experiments;

import java.util.Map;

/**
 * One of the paper's experiments: a data generator, a model, and the methods it compares (folded
 * layers and their baselines), each trained and evaluated on the same data.
 */
public interface Experiment {
    /** @return the command-line name, e.g. {@code portfolio} */
    String name();

    /** @return one line saying what the experiment does */
    String description();

    /**
     * @return experiment-specific settings beyond {@link ExperimentConfig} (e.g. the portfolio data's
     *     degree), recorded in the report's {@code config.json}; none by default
     */
    default Map<String, Object> settings() {
        return Map.of();
    }

    /** @return the default settings for a size (epochs, batch, learning rate, ...) */
    ExperimentConfig defaults(ExperimentConfig.Size size);

    /**
     * Trains and evaluates every method.
     *
     * @param config the settings
     * @param progress told about every finished epoch of every method
     * @return the results, one per method
     */
    ExperimentResult run(ExperimentConfig config, Progress progress);

    /** Receives progress: the run has {@code total} epochs in all (all methods), {@code done} are finished. */
    @FunctionalInterface
    interface Progress {
        /**
         * @param method the method whose epoch finished
         * @param record that epoch's record
         * @param done epochs finished over all methods
         * @param total epochs over all methods
         */
        void onEpoch(String method, EpochRecord record, int done, int total);
    }
}
