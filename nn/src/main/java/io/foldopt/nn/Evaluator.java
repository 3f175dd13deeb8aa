package io.foldopt.nn;

import java.util.Map;

/**
 * Validation metrics of a model, {@code name -> value}, computed once per epoch by the {@link Trainer}
 * with the model in evaluation mode and graph recording off.
 */
@FunctionalInterface
public interface Evaluator {
    /** @return the metrics, in the order they should be reported */
    Map<String, Double> evaluate(Layer model);
}
