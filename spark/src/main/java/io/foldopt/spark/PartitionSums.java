package io.foldopt.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Vectors contributed by partitions, summed in the order of the partitions' indices whatever the order in which
 * Spark's tasks finish and {@code treeAggregate} merges them: merging only collects the vectors, {@link #total()}
 * adds them up. Floating-point sums are then the same in every run.
 */
final class PartitionSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, double[]> parts = new TreeMap<>();

    /** @return sums holding only partition {@code index}'s vector */
    static PartitionSums of(int index, double[] vector) {
        PartitionSums s = new PartitionSums();
        s.parts.put(index, vector);
        return s;
    }

    /** @return {@code a} with the vectors of {@code b} added to its collection (the seqOp and combOp) */
    static PartitionSums merge(PartitionSums a, PartitionSums b) {
        for (Map.Entry<Integer, double[]> e : b.parts.entrySet()) {
            if (a.parts.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("partition " + e.getKey() + " contributed twice");
            }
        }
        return a;
    }

    /** @return the sum of the vectors, added in partition order; empty if there are none */
    double[] total() {
        double[] sum = null;
        for (double[] v : parts.values()) {
            if (sum == null) {
                sum = v.clone();
            } else {
                for (int i = 0; i < v.length; i++) {
                    sum[i] += v[i];
                }
            }
        }
        return sum == null ? new double[0] : sum;
    }
}
