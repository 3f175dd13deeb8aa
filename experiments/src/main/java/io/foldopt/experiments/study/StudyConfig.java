package io.foldopt.experiments.study;

import io.foldopt.experiments.ExperimentConfig.Size;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one run of a study.
 *
 * @param size {@code SMALL} (the experiments' small settings; a study runs in under two minutes) or {@code PAPER}
 *     (larger problems, where the study says so)
 * @param seed seed of every random source of the study (data, initialization, starting points)
 * @param out the report folder (created if needed)
 * @param tasks the task names to run (such as {@code nonconvex-qp/folded-pgd}); empty for all of the study's tasks
 */
public record StudyConfig(Size size, long seed, Path out, Set<String> tasks) {
    /** Checks that nothing is null and copies the task set. */
    public StudyConfig {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(out, "out");
        tasks = Set.copyOf(tasks);
    }

    /** @return whether the task called {@code name} is selected */
    public boolean selects(String name) {
        return tasks.isEmpty() || tasks.contains(name);
    }

    /** @return whether this is the small setting */
    public boolean small() {
        return size == Size.SMALL;
    }
}
