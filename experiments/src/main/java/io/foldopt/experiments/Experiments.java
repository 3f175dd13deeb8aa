package io.foldopt.experiments;

import java.util.List;
import java.util.Optional;

/** The registry of experiments, in the order {@code foldopt list} shows them. */
public final class Experiments {
    private static final List<Experiment> ALL = List.of(new PortfolioExperiment(), new NonconvexQpExperiment(),
            new BilinearExperiment(), new DenoisingExperiment(), new MultilabelExperiment(),
            new Denoising2dExperiment(), new ShortestPathExperiment(), new KnapsackExperiment());

    private Experiments() {}

    /** @return every experiment */
    public static List<Experiment> all() {
        return ALL;
    }

    /** @return the experiment with this command-line name */
    public static Optional<Experiment> byName(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
