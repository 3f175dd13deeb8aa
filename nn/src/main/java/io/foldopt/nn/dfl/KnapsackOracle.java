package io.foldopt.nn.dfl;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The multi-dimensional 0/1 knapsack as a minimization: {@code w*(c) ∈ argmin c^T w} over
 * {@code w ∈ {0, 1}^m} with {@code W w <= cap} for non-negative weights {@code W (d, m)} and capacities {@code cap (d)}
 * (to maximize item values {@code v}, pass {@code c = -v}). Solved exactly by depth-first branch and bound: items of
 * negative cost in the order of their cost per unit of relative weight, each node bounded by the fractional
 * (Dantzig) bound of every single constraint. Ties go to the first decision found.
 */
public final class KnapsackOracle implements Oracle {
    /** Nodes of the search after which a solve gives up with {@link Status#ITERATION_LIMIT}. */
    private static final long MAX_NODES = 200_000_000L;

    private final int dims;
    private final int items;
    private final double[] weights;
    private final double[] capacity;

    /**
     * @param weights the item weights {@code W (d, m)}, non-negative and finite
     * @param capacity the capacities {@code cap (d)}, non-negative and finite
     */
    public KnapsackOracle(Tensor weights, double[] capacity) {
        if (weights.rank() != 2 || weights.dim(0) != capacity.length || weights.dim(1) < 1) {
            throw new IllegalArgumentException("knapsack: weights must be (d, m) with d = " + capacity.length
                    + " capacities, got " + Arrays.toString(weights.shape()));
        }
        for (double v : weights.data()) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("knapsack: weights must be non-negative and finite, got " + v);
            }
        }
        for (double v : capacity) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("knapsack: capacities must be non-negative and finite, got " + v);
            }
        }
        this.dims = capacity.length;
        this.items = weights.dim(1);
        this.weights = weights.toArray();
        this.capacity = capacity.clone();
    }

    @Override
    public int dimension() {
        return items;
    }

    @Override
    public long workPerSolve() {
        return 50L * items * items * dims;
    }

    /** @return the weights {@code W (d, m)} */
    public Tensor weights() {
        return Tensor.of(weights, dims, items);
    }

    /** @return the capacities {@code cap (d)} (a copy) */
    public double[] capacity() {
        return capacity.clone();
    }

    /** @return the LP relaxation {@code {W w <= cap, 0 <= w <= 1}} */
    public Polyhedron relaxation() {
        int rows = dims + 2 * items;
        double[] g = new double[rows * items];
        double[] h = new double[rows];
        System.arraycopy(weights, 0, g, 0, weights.length);
        System.arraycopy(capacity, 0, h, 0, dims);
        for (int j = 0; j < items; j++) {
            g[(dims + j) * items + j] = -1;
            g[(dims + items + j) * items + j] = 1;
            h[dims + items + j] = 1;
        }
        return new Polyhedron(null, null, Tensor.wrap(g, rows, items), Tensor.wrap(h, rows));
    }

    @Override
    public double[] solve(double[] cost) {
        Oracle.checkCost(cost, items);
        return new Search(cost).run();
    }

    /** One branch-and-bound search, maximizing the value {@code v = -c} of the chosen items. */
    private final class Search {
        private final int[] order;
        private final double[] value;
        /** For each constraint, the positions in {@link #order} sorted by value per unit of that weight. */
        private final int[][] byRatio;
        private final double[] room = capacity.clone();
        private final boolean[] chosen;
        private final boolean[] best;
        private double bestValue;
        private long nodes;

        Search(double[] cost) {
            value = new double[items];
            int count = 0;
            for (int j = 0; j < items; j++) {
                value[j] = -cost[j];
                if (value[j] > 0) {
                    count++;
                }
            }
            // Items of positive value, by value per unit of weight relative to the capacities, best first.
            double[] score = new double[items];
            for (int j = 0; j < items; j++) {
                double load = 0;
                for (int k = 0; k < dims; k++) {
                    load += capacity[k] > 0 ? weights[k * items + j] / capacity[k]
                            : weights[k * items + j] > 0 ? Double.POSITIVE_INFINITY : 0;
                }
                score[j] = load == 0 ? Double.POSITIVE_INFINITY : value[j] / load;
            }
            order = java.util.stream.IntStream.range(0, items).filter(j -> value[j] > 0).boxed()
                    .sorted((a, b) -> Double.compare(score[b], score[a])).mapToInt(Integer::intValue).toArray();
            byRatio = new int[dims][];
            for (int k = 0; k < dims; k++) {
                int kk = k;
                byRatio[k] = java.util.stream.IntStream.range(0, count).boxed()
                        .sorted((a, b) -> Double.compare(ratio(kk, order[b]), ratio(kk, order[a])))
                        .mapToInt(Integer::intValue).toArray();
            }
            chosen = new boolean[items];
            best = new boolean[items];
        }

        private double ratio(int k, int j) {
            double w = weights[k * items + j];
            return w == 0 ? Double.POSITIVE_INFINITY : value[j] / w;
        }

        double[] run() {
            bestValue = 0;
            branch(0, 0);
            double[] w = new double[items];
            for (int j = 0; j < items; j++) {
                w[j] = best[j] ? 1 : 0;
            }
            return w;
        }

        private void branch(int depth, double current) {
            if (++nodes > MAX_NODES) {
                throw new OracleException("knapsack: branch and bound exceeded " + MAX_NODES + " nodes",
                        Status.ITERATION_LIMIT, -1);
            }
            if (current > bestValue) {
                bestValue = current;
                for (int j = 0; j < items; j++) {
                    best[j] = chosen[j];
                }
            }
            if (depth == order.length || current + bound(depth) <= bestValue) {
                return;
            }
            int j = order[depth];
            if (fits(j)) {
                take(j, 1);
                branch(depth + 1, current + value[j]);
                take(j, -1);
            }
            branch(depth + 1, current);
        }

        private boolean fits(int j) {
            for (int k = 0; k < dims; k++) {
                if (weights[k * items + j] > room[k]) {
                    return false;
                }
            }
            return true;
        }

        private void take(int j, int sign) {
            chosen[j] = sign > 0;
            for (int k = 0; k < dims; k++) {
                room[k] -= sign * weights[k * items + j];
            }
        }

        /** @return the smallest over the constraints of the fractional-knapsack bound on the undecided items */
        private double bound(int depth) {
            double bound = Double.POSITIVE_INFINITY;
            for (int k = 0; k < dims; k++) {
                double left = room[k];
                double sum = 0;
                for (int pos : byRatio[k]) {
                    if (pos < depth) {
                        continue;
                    }
                    int j = order[pos];
                    double w = weights[k * items + j];
                    if (w <= left) {
                        left -= w;
                        sum += value[j];
                    } else {
                        sum += value[j] * left / w;
                        break;
                    }
                }
                bound = Math.min(bound, sum);
            }
            return bound;
        }
    }
}
