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
 * A {@link TrainingTask}'s trained model in a {@link ModelFile}, with the task in the metadata so that
 * {@code foldopt spark eval} rebuilds the task it was trained on: for a {@link DecisionTask} the model
 * {@code folded-pgd} and {@code task = nonconvex-qp}, {@code seed}, {@code n}, {@code equalities},
 * {@code inequalities}; for a user's task the model {@code model} and {@code task = class:NAME}, the class
 * instantiated by its public no-argument constructor.
 *
 * @param task the task
 * @param model the trained model
 */
public record TrainedModel(TrainingTask task, Layer model) {
    /** The name of a {@link DecisionTask}'s model in the file. */
    public static final String NAME = "folded-pgd";
    /** The name of a user's task's model in the file. */
    public static final String USER_NAME = "model";

    private static final String BUILT_IN = "nonconvex-qp";

    /** @return the name of the task's model in the file */
    public String modelName() {
        return task instanceof DecisionTask ? NAME : USER_NAME;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (task instanceof DecisionTask d) {
            metadata.put("task", BUILT_IN);
            metadata.put("seed", Long.toString(d.seed()));
            metadata.put("n", Integer.toString(d.n()));
            metadata.put("equalities", Integer.toString(d.equalities()));
            metadata.put("inequalities", Integer.toString(d.inequalities()));
        } else {
            metadata.put("task", UserClasses.PREFIX + task.getClass().getName());
        }
        new ModelFile(metadata, List.of(new ModelFile.Model(modelName(), model, List.of()))).write(file);
    }

    /**
     * @return the model and task of a file written by {@link #write}
     * @throws IllegalArgumentException naming the file if it is not such a file, its task cannot be rebuilt, or its
     *     model does not fit the task
     */
    public static TrainedModel read(Path file) throws IOException {
        ModelFile f = ModelFile.read(file);
        Map<String, String> m = f.metadata();
        String name = m.get("task");
        TrainingTask task;
        try {
            if (BUILT_IN.equals(name)) {
                task = new DecisionTask(Long.parseLong(m.get("seed")), Integer.parseInt(m.get("n")),
                        Integer.parseInt(m.get("equalities")), Integer.parseInt(m.get("inequalities")));
            } else if (name != null && name.startsWith(UserClasses.PREFIX)) {
                task = UserClasses.load(name, TrainingTask.class);
            } else {
                throw new IllegalArgumentException("not a model of foldopt spark train (metadata task is " + name
                        + ", expected " + BUILT_IN + " or class:NAME)");
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": task " + name + ": " + e.getMessage());
        }
        TrainedModel trained = new TrainedModel(task, null);
        Layer model = f.model(trained.modelName()).orElseThrow(() -> new IllegalArgumentException(file
                + ": no model named " + trained.modelName())).layer();
        List<Parameter> expected = task.model().parameters();
        List<Parameter> actual = model.parameters();
        boolean fits = expected.size() == actual.size();
        for (int j = 0; fits && j < expected.size(); j++) {
            fits = Arrays.equals(expected.get(j).value().shape(), actual.get(j).value().shape());
        }
        if (!fits) {
            throw new IllegalArgumentException(file + ": the model's parameters do not have the shapes of the task's "
                    + "model");
        }
        return new TrainedModel(task, model);
    }
}
