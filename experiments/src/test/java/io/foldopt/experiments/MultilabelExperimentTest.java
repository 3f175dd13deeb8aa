package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The top-k multilabel experiment, end to end at the small size. */
class MultilabelExperimentTest {

    @Test
    void everyMethodLearnsAndTheFoldedLayersTrackLml() {
        ExperimentResult result = SmallRun.run(new MultilabelExperiment(), "top_k_recall", false,
                List.of("lml", "folded-pgd", "folded-sqp", "cross-entropy"));
        Map<String, MethodResult> byName = SmallRun.byName(result);
        for (MethodResult m : result.methods()) {
            m.epochs().forEach(e -> assertTrue(Double.isFinite(e.testMetric()) && Double.isFinite(e.trainLoss()),
                    m.method() + " epoch " + e.epoch()));
            // Untrained recall is near k/n = 0.15; trained, above 0.8 (seeds 0-4).
            assertTrue(m.finalTestMetric() > m.initialTestMetric() + 0.3, m.method() + ": "
                    + m.initialTestMetric() + " -> " + m.finalTestMetric());
        }
        MethodResult lml = byName.get("lml");
        for (String folded : List.of("folded-pgd", "folded-sqp")) {
            MethodResult m = byName.get(folded);
            assertEquals(0, m.backwardFailures(), folded + " had unconverged backward solves");
            assertTrue(m.epochs().stream().allMatch(e -> e.backwardSolves() > 0), folded + " recorded no solves");
            assertEquals(lml.initialTestMetric(), m.initialTestMetric(), folded + ": same untrained model");
            // Same forward, same gradients to the backward tolerance (1e-10): the runs coincide epoch by epoch.
            for (int e = 0; e < lml.epochs().size(); e++) {
                EpochRecord ours = m.epochs().get(e);
                EpochRecord theirs = lml.epochs().get(e);
                assertEquals(theirs.testMetric(), ours.testMetric(), 0.02, folded + " epoch " + (e + 1));
                assertEquals(theirs.trainLoss(), ours.trainLoss(), 1e-3 * theirs.trainLoss(), folded + " loss, epoch "
                        + (e + 1));
            }
        }
    }
}
