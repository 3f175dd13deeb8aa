package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Mlp;
import io.foldopt.nn.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trained models saved, read back and evaluated again give the metric of the run that trained them. */
class SavedModelsTest {
    @TempDir
    Path dir;

    /** @return the run's result and its model file, read back from disk */
    private Object[] trainSaveAndRead(Experiment e, int epochs) throws IOException {
        ExperimentConfig d = e.defaults(Size.SMALL);
        ExperimentConfig config = new ExperimentConfig(Size.SMALL, epochs, d.batch(), d.learningRate(), d.backward(),
                d.tolerance(), d.seed(), d.settings());
        List<ModelFile.Model> models = new ArrayList<>();
        ExperimentResult result = e.run(config, new Experiment.Progress() {
            @Override
            public void onEpoch(String method, EpochRecord record, int done, int total) {}

            @Override
            public void onTrained(Method method, Layer model) {
                models.add(SavedModels.model(method, model));
            }
        });
        Path file = dir.resolve(e.name() + ".json");
        SavedModels.file(e.name(), config, models, Map.of("foldopt_version", "test")).write(file);
        return new Object[] {result, ModelFile.read(file)};
    }

    @Test
    void portfolioModelsEvaluateToTheirFinalMetric() throws IOException {
        Object[] run = trainSaveAndRead(new PortfolioExperiment(), 1);
        ExperimentResult result = (ExperimentResult) run[0];
        ModelFile file = (ModelFile) run[1];
        assertEquals("4", file.metadata().get("setting.deg"));
        SavedModels.Evaluation ev = SavedModels.evaluate(file, null, null, null);
        assertEquals("normalized_regret", ev.metricName());
        assertEquals(3, ev.metrics().size());
        for (MethodResult m : result.methods()) {
            assertEquals(m.finalTestMetric(), ev.metrics().get(m.method()), 1e-12, m.method());
        }
        // Another seed: other data, another value; one method only.
        SavedModels.Evaluation other = SavedModels.evaluate(file, null, 1L, "kkt");
        assertEquals(List.of("kkt"), List.copyOf(other.metrics().keySet()));
        assertNotEquals(ev.metrics().get("kkt"), other.metrics().get("kkt"));
        // A model whose shapes do not fit the experiment (here: 3 inputs instead of 5) is refused, naming it.
        ModelFile misfit = new ModelFile(file.metadata(), List.of(new ModelFile.Model("kkt", Mlp.of(new int[] {3, 16,
            10}, false, 0, 1), List.of())));
        String message = assertThrows(IllegalArgumentException.class, () -> SavedModels.evaluate(misfit, null, null,
                null)).getMessage();
        assertTrue(message.startsWith("model 'kkt' (portfolio at size small) layer: the file has parameters"
                + " [weight[3, 16], ") && message.contains("the experiment needs [weight[5, 16], "), message);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SavedModels.evaluate(file, null, null, "nope"))
                .getMessage().startsWith("the file has no model 'nope'"));
    }

    @Test
    void denoisingOperatorsAreSavedAsExtraParameters() throws IOException {
        Object[] run = trainSaveAndRead(new DenoisingExperiment(), 1);
        ExperimentResult result = (ExperimentResult) run[0];
        ModelFile file = (ModelFile) run[1];
        assertEquals(List.of("D"), file.models().get(0).parameters().stream().map(p -> p.name()).toList());
        SavedModels.Evaluation ev = SavedModels.evaluate(file, null, null, null);
        for (MethodResult m : result.methods()) {
            assertEquals(m.finalTestMetric(), ev.metrics().get(m.method()), 1e-12, m.method());
        }
    }
}
