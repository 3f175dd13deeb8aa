package io.foldopt.experiments;

import io.foldopt.experiments.dfl.ShortestPathData;
import io.foldopt.nn.dfl.ShortestPathOracle;

/**
 * PyEPO's shortest-path benchmark: the cheapest path from the north-west to the south-east corner of a 5x5 grid
 * (40 arcs, {@link ShortestPathOracle#grid}) under arc costs predicted from 5 features ({@link ShortestPathData}),
 * every loss of {@link DecisionFocusedExperiment} against two-stage. The folded loss works on the flow polytope.
 */
public final class ShortestPathExperiment extends DecisionFocusedExperiment {
    private static final int GRID = 5;

    @Override
    public String name() {
        return "shortest-path";
    }

    @Override
    public String description() {
        return "PyEPO shortest path on a 5x5 grid, linear model predicts arc costs: SPO+, PFYL, DBB, DPO, NCE,"
                + " CMAP, folded vs two-stage by degree and noise, normalized regret";
    }

    @Override
    protected Problem generate(int samples, int features, int deg, double noise, long seed) {
        ShortestPathOracle oracle = ShortestPathOracle.grid(GRID, GRID);
        ShortestPathData data = ShortestPathData.generate(samples, features, GRID, GRID, deg, noise, seed);
        return new Problem(oracle, oracle.relaxation(), data.features(), data.costs(), 1);
    }
}
