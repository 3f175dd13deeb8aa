package io.foldopt.nn.dfl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Exhaustive enumeration of the 0/1 points of a small feasible set, the reference the oracles are tested against. */
final class BruteForce implements Oracle {
    private final List<double[]> points;
    private final int n;

    /** @param n dimension (at most ~20) @param feasible which 0/1 vectors belong to the set */
    BruteForce(int n, Predicate<double[]> feasible) {
        this.n = n;
        this.points = new ArrayList<>();
        for (int mask = 0; mask < 1 << n; mask++) {
            double[] w = new double[n];
            for (int j = 0; j < n; j++) {
                w[j] = (mask >> j) & 1;
            }
            if (feasible.test(w)) {
                points.add(w);
            }
        }
    }

    /** @return the 0/1 flows of one unit from the source to the sink of a DAG oracle's graph */
    static BruteForce paths(ShortestPathOracle g) {
        int[] tail = g.tails();
        int[] head = g.heads();
        return new BruteForce(tail.length, w -> {
            double[] balance = new double[g.nodes()];
            for (int a = 0; a < tail.length; a++) {
                balance[tail[a]] -= w[a];
                balance[head[a]] += w[a];
            }
            for (int v = 0; v < balance.length; v++) {
                double want = v == g.source() ? -1 : v == g.sink() ? 1 : 0;
                if (balance[v] != want) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return whether {@code w} is one of the feasible points */
    boolean contains(double[] w) {
        return points.stream().anyMatch(x -> java.util.Arrays.equals(x, w));
    }

    /** @return the number of feasible points */
    int count() {
        return points.size();
    }

    @Override
    public int dimension() {
        return n;
    }

    /** @return the minimum of {@code c^T w} over the points */
    double value(double[] c) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] w : points) {
            best = Math.min(best, dot(c, w));
        }
        return best;
    }

    @Override
    public double[] solve(double[] c) {
        double best = Double.POSITIVE_INFINITY;
        double[] arg = null;
        for (double[] w : points) {
            double v = dot(c, w);
            if (v < best) {
                best = v;
                arg = w;
            }
        }
        return arg.clone();
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
