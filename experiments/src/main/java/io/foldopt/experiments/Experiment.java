package io.foldopt.experiments;

import io.foldopt.nn.Layer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
     * @return the experiment-specific settings beyond {@link ExperimentConfig}'s common ones (e.g. the portfolio
     *     data's degree); their defaults are in {@link #defaults}; none by default
     */
    default List<Setting> settings() {
        return List.of();
    }

    /** @return the default settings for a size (epochs, batch, learning rate, ..., experiment-specific ones) */
    ExperimentConfig defaults(ExperimentConfig.Size size);

    /**
     * Builds what a run trains and evaluates: the data, a fresh model, the methods and the test metric (no
     * training happens here).
     *
     * @param config the settings
     * @return the run's specification
     */
    TrainingRun.Spec setup(ExperimentConfig config);

    /**
     * Trains and evaluates every method.
     *
     * @param config the settings
     * @param progress told about every finished epoch of every method, and every trained model
     * @return the results, one per method
     */
    default ExperimentResult run(ExperimentConfig config, Progress progress) {
        return TrainingRun.run(setup(config), config, progress);
    }

    /**
     * @param result the result of {@link #run}
     * @return text printed after the results table, such as a sweep's table by setting; empty by default
     */
    default String summary(ExperimentResult result) {
        return "";
    }

    /**
     * Writes charts of the result beyond the report's common ones (such as a metric against a swept setting) into
     * the report folder; none by default.
     *
     * @param result the result of {@link #run}
     * @param dir the report folder
     * @throws IOException if a file cannot be written
     */
    default void writeCharts(ExperimentResult result, Path dir) throws IOException {}

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

        /**
         * Receives a method's trained model (with the method, whose {@link Method#extraParameters()} were trained
         * with it) after its last epoch; ignored by default.
         */
        default void onTrained(Method method, Layer model) {}
    }
}
