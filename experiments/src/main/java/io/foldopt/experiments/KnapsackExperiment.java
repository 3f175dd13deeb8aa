package io.foldopt.experiments;

import io.foldopt.experiments.dfl.KnapsackData;
import io.foldopt.nn.dfl.KnapsackOracle;

/**
 * PyEPO's knapsack benchmark: 32 items, two knapsack constraints of capacity 20 each, item values predicted from 5
 * features ({@link KnapsackData}), solved exactly ({@link KnapsackOracle}), every loss of
 * {@link DecisionFocusedExperiment} against two-stage. The model predicts values {@code v}; the losses see the
 * minimization of {@code -v^T w}; the folded loss works on the LP relaxation.
 */
public final class KnapsackExperiment extends DecisionFocusedExperiment {
    private static final int ITEMS = 32;
    private static final int DIMS = 2;
    private static final double CAPACITY = 20;

    @Override
    public String name() {
        return "knapsack";
    }

    @Override
    public String description() {
        return "PyEPO 2-D knapsack with 32 items, linear model predicts item values: SPO+, PFYL, DBB, DPO, NCE,"
                + " CMAP, folded vs two-stage by degree and noise, normalized regret";
    }

    @Override
    protected Problem generate(int samples, int features, int deg, double noise, long seed) {
        KnapsackData data = KnapsackData.generate(samples, features, ITEMS, DIMS, deg, noise, seed);
        KnapsackOracle oracle = new KnapsackOracle(data.weights(), new double[] {CAPACITY, CAPACITY});
        return new Problem(oracle, oracle.relaxation(), data.features(), data.values().map(v -> -v), -1);
    }
}
