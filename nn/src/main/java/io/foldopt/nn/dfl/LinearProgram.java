package io.foldopt.nn.dfl;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The feasible set of a linear or mixed-integer program, {@code S = {w : A w = b, G w <= h, l <= w <= u, w_j ∈ Z
 * for j ∈ I}}, whose objective {@code c^T w} is the cost vector an {@link Oracle} is given. Either constraint block
 * may be empty (zero rows); bounds may be infinite.
 *
 * @param a the equality matrix {@code A (p, n)}
 * @param b the equality right-hand side {@code b (p)}
 * @param g the inequality matrix {@code G (m, n)}
 * @param h the inequality right-hand side {@code h (m)}
 * @param lower the lower bounds {@code l (n)}, finite or {@code -inf}
 * @param upper the upper bounds {@code u (n)}, finite or {@code +inf}
 * @param integer which variables are integer ({@code I})
 */
public record LinearProgram(Tensor a, double[] b, Tensor g, double[] h, double[] lower, double[] upper,
        boolean[] integer) {

    /** Validates shapes and values. */
    public LinearProgram {
        int n = lower.length;
        if (n < 1 || upper.length != n || integer.length != n) {
            throw new IllegalArgumentException("linear program: bounds and integrality must all have n >= 1 entries,"
                    + " got " + lower.length + ", " + upper.length + " and " + integer.length);
        }
        checkBlock("A", "b", a, b, n);
        checkBlock("G", "h", g, h, n);
        for (int j = 0; j < n; j++) {
            if (Double.isNaN(lower[j]) || Double.isNaN(upper[j]) || lower[j] > upper[j]
                    || lower[j] == Double.POSITIVE_INFINITY || upper[j] == Double.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException("linear program: variable " + j + " has bounds [" + lower[j] + ", "
                        + upper[j] + "]");
            }
        }
        b = b.clone();
        h = h.clone();
        lower = lower.clone();
        upper = upper.clone();
        integer = integer.clone();
    }

    private static void checkBlock(String matrix, String rhs, Tensor m, double[] r, int n) {
        if (m.rank() != 2 || m.dim(1) != n || m.dim(0) != r.length) {
            throw new IllegalArgumentException("linear program: " + matrix + " must be (k, " + n + ") and " + rhs
                    + " (k), got " + Arrays.toString(m.shape()) + " and " + r.length);
        }
        if (!m.isFinite() || !Arrays.stream(r).allMatch(Double::isFinite)) {
            throw new IllegalArgumentException("linear program: " + matrix + " or " + rhs + " has a non-finite entry");
        }
    }

    /** @return the number {@code n} of variables */
    public int dimension() {
        return lower.length;
    }

    /** @return whether some variable is integer */
    public boolean isMixedInteger() {
        for (boolean i : integer) {
            if (i) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the LP relaxation as a polyhedron: {@code A w = b} and {@code G w <= h} with the finite bounds as
     *     rows {@code -w_j <= -l_j} and {@code w_j <= u_j} (for the folded loss)
     */
    public Polyhedron relaxation() {
        int n = dimension();
        List<double[]> rows = new ArrayList<>();
        List<Double> rhs = new ArrayList<>();
        for (int i = 0; i < g.dim(0); i++) {
            rows.add(g.row(i));
            rhs.add(h[i]);
        }
        for (int j = 0; j < n; j++) {
            if (Double.isFinite(lower[j])) {
                double[] row = new double[n];
                row[j] = -1;
                rows.add(row);
                rhs.add(-lower[j]);
            }
            if (Double.isFinite(upper[j])) {
                double[] row = new double[n];
                row[j] = 1;
                rows.add(row);
                rhs.add(upper[j]);
            }
        }
        Tensor gg = rows.isEmpty() ? null : Tensor.matrix(rows.toArray(new double[0][]));
        Tensor hh = rows.isEmpty() ? null : Tensor.wrap(rhs.stream().mapToDouble(Double::doubleValue).toArray(),
                rows.size());
        boolean eq = a.dim(0) > 0;
        return new Polyhedron(eq ? a : null, eq ? Tensor.of(b, b.length) : null, gg, hh);
    }
}
