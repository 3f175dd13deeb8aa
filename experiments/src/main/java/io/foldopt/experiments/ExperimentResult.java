package io.foldopt.experiments;

import java.util.List;

/**
 * The outcome of a run: every method's result, and what the test metric means.
 *
 * @param experiment the experiment's name
 * @param config the settings of the run
 * @param metricName the test metric, e.g. {@code normalized_regret}
 * @param lowerIsBetter whether smaller values of the metric are better
 * @param methods one result per method, in the experiment's order
 */
public record ExperimentResult(String experiment, ExperimentConfig config, String metricName, boolean lowerIsBetter,
        List<MethodResult> methods) {}
