package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs an experiment at its SMALL defaults and checks its metric and methods, as every experiment test does. */
final class SmallRun {
    private SmallRun() {}

    /** @return the result, after checking the metric's name and direction and the methods' names and order */
    static ExperimentResult run(Experiment experiment, String metric, boolean lowerIsBetter, List<String> methods) {
        ExperimentResult result = experiment.run(experiment.defaults(ExperimentConfig.Size.SMALL),
                (method, record, done, total) -> {});
        assertEquals(metric, result.metricName());
        assertEquals(lowerIsBetter, result.lowerIsBetter());
        assertEquals(methods, result.methods().stream().map(MethodResult::method).toList());
        return result;
    }

    /** @return the results by method name, in order */
    static Map<String, MethodResult> byName(ExperimentResult result) {
        Map<String, MethodResult> m = new LinkedHashMap<>();
        result.methods().forEach(r -> m.put(r.method(), r));
        return m;
    }
}
