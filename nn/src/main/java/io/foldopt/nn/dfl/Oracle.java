package io.foldopt.nn.dfl;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A linear optimization oracle over a fixed feasible set {@code S ⊂ R^n}: for a cost vector {@code c}, an optimal
 * decision {@code w*(c) ∈ argmin_{w ∈ S} c^T w}. Maximization problems are oracles of the negated costs.
 *
 * <p>Implementations are thread-safe and deterministic (ties broken the same way every time), so that a batch can
 * be solved in parallel ({@link #solveBatch}) and a decision cached per cost vector ({@link #cached}).
 */
public interface Oracle {
    /** @return the number {@code n} of decision variables, which is also the length of a cost vector */
    int dimension();

    /**
     * @param cost the cost vector {@code c (n)}, finite; not modified
     * @return a fresh array holding an optimal decision {@code w*(c)}
     * @throws OracleException if no optimal decision exists (infeasible, unbounded) or the solver failed
     * @throws IllegalArgumentException if {@code cost} has the wrong length or a non-finite entry
     */
    double[] solve(double[] cost);

    /** @return an estimate of the floating-point operations of one {@link #solve}, to decide on parallelism */
    default long workPerSolve() {
        return (long) dimension() * dimension();
    }

    /**
     * Solves every row of a batch, in parallel ({@link Parallel}).
     *
     * @param costs cost vectors {@code (B, n)}
     * @return the decisions {@code w*(c_b)}, {@code (B, n)}
     * @throws OracleException naming the first failing instance (the lowest index, whatever the threads)
     */
    default Tensor solveBatch(Tensor costs) {
        int n = checkBatch(this, costs, "costs");
        int batch = costs.dim(0);
        double[] c = costs.data();
        double[] out = new double[batch * n];
        RuntimeException[] failures = new RuntimeException[batch];
        Parallel.forEach(batch, workPerSolve(), b -> {
            try {
                System.arraycopy(solve(Arrays.copyOfRange(c, b * n, (b + 1) * n)), 0, out, b * n, n);
            } catch (OracleException e) {
                failures[b] = e.at(b);
            } catch (IllegalArgumentException e) {
                failures[b] = new IllegalArgumentException("instance " + b + ": " + e.getMessage(), e);
            }
        });
        for (RuntimeException e : failures) {
            if (e != null) {
                throw e;
            }
        }
        return Tensor.wrap(out, batch, n);
    }

    /**
     * @param capacity the number of cost vectors remembered (least recently used forgotten first), at least 1
     * @return this oracle with its decisions cached per cost vector (bitwise equal costs give the cached decision)
     */
    default CachedOracle cached(int capacity) {
        return new CachedOracle(this, capacity);
    }

    /**
     * Checks a batch of cost vectors against an oracle's dimension.
     *
     * @return the dimension {@code n}
     * @throws IllegalArgumentException naming {@code what} if the batch is not {@code (B, n)} or not finite
     */
    static int checkBatch(Oracle oracle, Tensor batch, String what) {
        int n = oracle.dimension();
        if (batch.rank() != 2 || batch.dim(1) != n) {
            throw new IllegalArgumentException(what + " must be (B, " + n + "), got " + Arrays.toString(batch.shape()));
        }
        int bad = batch.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(what + " of instance " + bad / n + " has a non-finite entry at "
                    + bad % n + ": " + batch.data()[bad]);
        }
        return n;
    }

    /**
     * Checks one cost vector.
     *
     * @throws IllegalArgumentException if {@code cost} does not have length {@code n} or has a non-finite entry
     */
    static void checkCost(double[] cost, int n) {
        if (cost.length != n) {
            throw new IllegalArgumentException("cost vector must have length " + n + ", got " + cost.length);
        }
        for (int j = 0; j < n; j++) {
            if (!Double.isFinite(cost[j])) {
                throw new IllegalArgumentException("cost vector has a non-finite entry at " + j + ": " + cost[j]);
            }
        }
    }
}
