package io.foldopt.spark;

import io.foldopt.nn.Layer;
import io.foldopt.nn.ModelFile;
import io.foldopt.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link DecisionTask}'s trained model in a {@link ModelFile}: the model {@code folded-pgd}, with the task's
 * fields in the metadata ({@code task = nonconvex-qp}, {@code seed}, {@code n}, {@code equalities},
 * {@code inequalities}), so that {@code foldopt spark eval} rebuilds the problem it was trained on.
 *
 * @param task the task
 * @param model the trained model
 */
public record TrainedModel(DecisionTask task, Layer model) {
    /** The model's name in the file. */
    public static final String NAME = "folded-pgd";

    /** Writes the file. */
    public void write(Path file) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("task", "nonconvex-qp");
        metadata.put("seed", Long.toString(task.seed()));
        metadata.put("n", Integer.toString(task.n()));
        metadata.put("equalities", Integer.toString(task.equalities()));
        metadata.put("inequalities", Integer.toString(task.inequalities()));
        new ModelFile(metadata, List.of(new ModelFile.Model(NAME, model, List.of()))).write(file);
    }

    /**
     * @return the model and task of a file written by {@link #write}
     * @throws IllegalArgumentException naming the file if it is not such a file or its model does not fit the task
     */
    public static TrainedModel read(Path file) throws IOException {
        ModelFile f = ModelFile.read(file);
        Map<String, String> m = f.metadata();
        if (!"nonconvex-qp".equals(m.get("task"))) {
            throw new IllegalArgumentException(file + ": not a model of foldopt spark train (metadata task is "
                    + m.get("task") + ", expected nonconvex-qp)");
        }
        DecisionTask task;
        try {
            task = new DecisionTask(Long.parseLong(m.get("seed")), Integer.parseInt(m.get("n")),
                    Integer.parseInt(m.get("equalities")), Integer.parseInt(m.get("inequalities")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": metadata seed, n, equalities, inequalities: " + e.getMessage());
        }
        Layer model = f.model(NAME).orElseThrow(() -> new IllegalArgumentException(file + ": no model named " + NAME))
                .layer();
        List<Parameter> expected = task.model().parameters();
        List<Parameter> actual = model.parameters();
        boolean fits = expected.size() == actual.size();
        for (int j = 0; fits && j < expected.size(); j++) {
            fits = Arrays.equals(expected.get(j).value().shape(), actual.get(j).value().shape());
        }
        if (!fits) {
            throw new IllegalArgumentException(file + ": the model's parameters do not have the shapes of the task's "
                    + "linear model " + DecisionTask.FEATURES + " -> " + task.n());
        }
        return new TrainedModel(task, model);
    }
}
