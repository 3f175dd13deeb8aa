package io.foldopt.nn.dfl;

import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The ground truth of a batch for a decision-focused loss: the true cost vectors {@code c_b}, optimal decisions
 * {@code w*(c_b)} and optimal values {@code z*_b = c_b^T w*(c_b)} (a minimization).
 *
 * @param costs the true costs {@code (B, n)}
 * @param decisions the optimal decisions {@code (B, n)}
 * @param values the optimal values {@code (B)}
 */
public record DecisionBatch(Tensor costs, Tensor decisions, Tensor values) {

    /** Checks that the shapes agree and that every entry is finite. */
    public DecisionBatch {
        if (costs.rank() != 2 || !decisions.sameShape(costs) || values.rank() != 1 || values.dim(0) != costs.dim(0)) {
            throw new IllegalArgumentException("a decision batch needs costs (B, n), decisions (B, n) and values (B),"
                    + " got " + Arrays.toString(costs.shape()) + ", " + Arrays.toString(decisions.shape()) + " and "
                    + Arrays.toString(values.shape()));
        }
        for (Tensor t : new Tensor[] {costs, decisions, values}) {
            int bad = t.firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException("decision batch has a non-finite entry in instance "
                        + (t.rank() == 1 ? bad : bad / t.dim(1)));
            }
        }
    }

    /**
     * Solves the true costs with the oracle (in parallel, see {@link Oracle#solveBatch}).
     *
     * @param oracle the problem's oracle
     * @param costs the true costs {@code (B, n)}
     * @return the batch with its optimal decisions and values
     */
    public static DecisionBatch solve(Oracle oracle, Tensor costs) {
        Tensor w = oracle.solveBatch(costs);
        return new DecisionBatch(costs, w, Tensor.wrap(rowDots(costs, w), costs.dim(0)));
    }

    /** @return the number {@code B} of instances */
    public int size() {
        return costs.dim(0);
    }

    /** @return the number {@code n} of decision variables */
    public int dimension() {
        return costs.dim(1);
    }

    /** @return the instances {@code [from, to)} */
    public DecisionBatch slice(int from, int to) {
        int n = dimension();
        return new DecisionBatch(
                Tensor.wrap(Arrays.copyOfRange(costs.data(), from * n, to * n), to - from, n),
                Tensor.wrap(Arrays.copyOfRange(decisions.data(), from * n, to * n), to - from, n),
                Tensor.wrap(Arrays.copyOfRange(values.data(), from, to), to - from));
    }

    /** @return {@code (a_b^T b_b)_b} for two {@code (B, n)} tensors */
    static double[] rowDots(Tensor a, Tensor b) {
        int batch = a.dim(0);
        int n = a.dim(1);
        double[] x = a.data();
        double[] y = b.data();
        double[] out = new double[batch];
        for (int i = 0; i < batch; i++) {
            out[i] = Vec.dot(x, i * n, y, i * n, n);
        }
        return out;
    }
}
