package io.foldopt.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one training epoch.
 *
 * @param epoch the epoch number, from 0 for the trainer's first epoch
 * @param trainLoss the training loss averaged over the epoch's samples, {@code Σ_b n_b L_b / Σ_b n_b}
 *     for batches of {@code n_b} samples with loss {@code L_b} (taken before each update)
 * @param seconds wall-clock seconds of the whole epoch, validation included
 * @param cpuSeconds CPU seconds of the process (all threads) over the same span ({@link
 *     io.foldopt.parallel.CpuClock}), NaN where the JVM does not measure it
 * @param forwardSeconds seconds spent in the step function (building the losses)
 * @param backwardSeconds seconds spent computing the gradients
 * @param validation the evaluator's metrics, in its order (empty without an evaluator)
 * @param extras the step function's reported metrics, each the mean over the batches that reported it,
 *     in order of first report
 */
public record EpochMetrics(int epoch, double trainLoss, double seconds, double cpuSeconds, double forwardSeconds,
        double backwardSeconds, Map<String, Double> validation, Map<String, Double> extras) {
    /** Copies the maps, keeping their order. */
    public EpochMetrics {
        validation = Collections.unmodifiableMap(new LinkedHashMap<>(validation));
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /** @return the validation or extra metric {@code name} (validation first), or NaN if absent */
    public double metric(String name) {
        Double v = validation.get(name);
        if (v == null) {
            v = extras.get(name);
        }
        return v == null ? Double.NaN : v;
    }
}
