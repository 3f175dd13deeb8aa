package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an experiment at its SMALL defaults and checks its metric and methods, as every experiment test does, and
 * its test metrics before and after training against the values recorded at seed 0.
 */
final class SmallRun {
    /**
     * Relative tolerance on the recorded metrics: changes of the arithmetic (kernels, factorizations, solver warm
     * starts) move them by rounding errors amplified through training (up to about 1e-9 measured); a changed
     * algorithm moves them by far more.
     */
    static final double RECORDED_TOLERANCE = 1e-6;

    /** Per experiment and method, {@code {untrained, trained}} test metric at the SMALL defaults, seed 0. */
    private static final Map<String, Map<String, double[]>> RECORDED = Map.of(
            "portfolio", Map.of(
                    "folded-sqp", new double[] {0.16819312293092273, 0.0022979108914116093},
                    "kkt", new double[] {0.16819312293092273, 0.002297910891411607},
                    "two-stage", new double[] {0.16819312293092273, 0.0040133209779605345}),
            "nonconvex-qp", Map.of(
                    "folded-pgd", new double[] {2.250500515448026, 0.30181656761142595},
                    "two-stage", new double[] {2.250500515448026, 0.4365550938334757}),
            "bilinear", Map.of(
                    "folded-pgd-a", new double[] {0.80702725103348, 0.07104645799741031},
                    "folded-pgd-b", new double[] {0.80702725103348, 0.07104645800067602},
                    "two-stage", new double[] {0.80702725103348, 0.05407804719744591}),
            "denoising", Map.of(
                    "folded-dpg", new double[] {0.03173788689113036, 0.013306317850262388},
                    "folded-admm", new double[] {0.031737886897214254, 0.013306317847848397},
                    "unrolled-admm", new double[] {0.03175382302213681, 0.012305971146520142},
                    "kkt-qp", new double[] {0.031737886895133544, 0.013306317840289409}),
            "multilabel", Map.of(
                    "lml", new double[] {0.06666666666666668, 0.8616666666666666},
                    "folded-pgd", new double[] {0.06666666666666668, 0.8616666666666666},
                    "folded-sqp", new double[] {0.06666666666666668, 0.8616666666666666},
                    "cross-entropy", new double[] {0.06666666666666668, 0.8516666666666665}));

    private SmallRun() {}

    /**
     * @return the result, after checking the metric's name and direction, the methods' names and order and the
     *     recorded metrics of an experiment that has them ({@link #assertRecorded})
     */
    static ExperimentResult run(Experiment experiment, String metric, boolean lowerIsBetter, List<String> methods) {
        ExperimentResult result = experiment.run(experiment.defaults(ExperimentConfig.Size.SMALL),
                (method, record, done, total) -> {});
        assertEquals(metric, result.metricName());
        assertEquals(lowerIsBetter, result.lowerIsBetter());
        assertEquals(methods, result.methods().stream().map(MethodResult::method).toList());
        if (RECORDED.containsKey(result.experiment())) {
            assertRecorded(result);
        }
        return result;
    }

    /**
     * Asserts that every method's untrained and trained test metric of a SMALL run at seed 0 with the default
     * options equals the recorded value to {@link #RECORDED_TOLERANCE} (relative).
     */
    static void assertRecorded(ExperimentResult result) {
        Map<String, double[]> recorded = RECORDED.get(result.experiment());
        assertNotNull(recorded, "no recorded metrics for " + result.experiment());
        assertEquals(ExperimentConfig.Size.SMALL, result.config().size());
        assertEquals(0, result.config().seed());
        for (MethodResult m : result.methods()) {
            double[] expected = recorded.get(m.method());
            assertNotNull(expected, "no recorded metrics for " + result.experiment() + " " + m.method());
            String what = result.experiment() + " " + m.method();
            assertEquals(expected[0], m.initialTestMetric(), RECORDED_TOLERANCE * Math.abs(expected[0]),
                    what + ": untrained " + result.metricName());
            assertEquals(expected[1], m.finalTestMetric(), RECORDED_TOLERANCE * Math.abs(expected[1]),
                    what + ": trained " + result.metricName());
        }
    }

    /** @return the results by method name, in order */
    static Map<String, MethodResult> byName(ExperimentResult result) {
        Map<String, MethodResult> m = new LinkedHashMap<>();
        result.methods().forEach(r -> m.put(r.method(), r));
        return m;
    }
}
