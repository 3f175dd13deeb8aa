package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A growing set of distinct feasible solutions {@code Γ = {s_1, ..., s_K} ⊂ S}, kept in the order they were first
 * added (the contrastive losses' pool, {@link NoiseContrastive}). Solutions are compared bitwise, with {@code -0.0}
 * read as {@code 0.0}. Thread-safe.
 */
public final class SolutionPool {
    private final int n;
    private final Set<VectorKey> seen = new HashSet<>();
    private final double[] sum;
    private double[] rows;
    private int size;

    /**
     * @param initial the first solutions {@code (K, n)}, typically the optimal decisions of the training set;
     *     repeated rows are kept once
     * @throws IllegalArgumentException if {@code initial} is not a non-empty finite {@code (K, n)} matrix
     */
    public SolutionPool(Tensor initial) {
        if (initial.rank() != 2 || initial.dim(0) < 1 || initial.dim(1) < 1) {
            throw new IllegalArgumentException("a solution pool starts from solutions (K, n) with K, n >= 1, got "
                    + Arrays.toString(initial.shape()));
        }
        this.n = initial.dim(1);
        this.sum = new double[n];
        this.rows = new double[Math.max(16, initial.dim(0)) * n];
        addAll(initial);
    }

    /**
     * Adds every row of {@code solutions} that is not in the pool yet, in row order.
     *
     * @param solutions solutions {@code (B, n)}
     * @return how many rows were new
     * @throws IllegalArgumentException if the shape is not {@code (B, n)} or a row has a non-finite entry
     */
    public synchronized int addAll(Tensor solutions) {
        if (solutions.rank() != 2 || solutions.dim(1) != n) {
            throw new IllegalArgumentException("solutions for the pool must be (B, " + n + "), got "
                    + Arrays.toString(solutions.shape()));
        }
        int bad = solutions.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("solution " + bad / n + " for the pool has a non-finite entry at "
                    + bad % n + ": " + solutions.data()[bad]);
        }
        double[] d = solutions.data();
        int added = 0;
        for (int b = 0; b < solutions.dim(0); b++) {
            double[] s = new double[n];
            for (int j = 0; j < n; j++) {
                s[j] = d[b * n + j] + 0.0;
            }
            if (seen.add(new VectorKey(s))) {
                if ((size + 1) * n > rows.length) {
                    rows = Arrays.copyOf(rows, 2 * rows.length);
                }
                System.arraycopy(s, 0, rows, size * n, n);
                for (int j = 0; j < n; j++) {
                    sum[j] += s[j];
                }
                size++;
                added++;
            }
        }
        return added;
    }

    /** @return the number {@code K} of distinct solutions */
    public synchronized int size() {
        return size;
    }

    /** @return the length {@code n} of a solution */
    public int dimension() {
        return n;
    }

    /** @return a copy of the solutions {@code (K, n)}, in the order they were added */
    public synchronized Tensor solutions() {
        return Tensor.wrap(Arrays.copyOf(rows, size * n), size, n);
    }

    /** @return the mean {@code (1 / K) Σ_k s_k} of the solutions */
    public synchronized double[] mean() {
        double[] m = new double[n];
        for (int j = 0; j < n; j++) {
            m[j] = sum[j] / size;
        }
        return m;
    }

}
