package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import java.util.Arrays;

/**
 * The KKT matrix {@code K_S} of an active set {@code S} ({@link KktSystem}) of a QP with a positive definite
 * {@code P}, solved through the Schur complement with the kept {@link ConstraintGram}: with {@code C = [A; G_S]}
 * ({@code t = p + |S|} rows), {@code K_S (w_z, w_mu) = (r_z, r_mu)} is
 *
 * <pre>
 *   (C P^{-1} C^T) w_mu = C P^{-1} r_z - r_mu,     w_z = P^{-1} (r_z - C^T w_mu).
 * </pre>
 *
 * The Schur complement, a principal submatrix of the Gram matrix, is scaled symmetrically by powers of two
 * {@code D} to a unit diagonal (about) and factored by Cholesky: {@code O(t^3 / 6)} work instead of the
 * {@code O((n + t)^3)} of factoring {@code K_S}, and a solve costs {@code O(t n + t^2)} ({@code +n^2} unless
 * {@code P = I}). The error of a solve is about the rounding unit times {@code kappa(P) kappa(D C P^{-1} C^T D)}
 * (the {@link #conditionNumber()}), so the factorization is refused above {@link #CONDITION_LIMIT}, where the
 * equilibrated and refined {@link ActiveSetKkt} is more accurate.
 */
final class SchurKkt implements KktSystem {
    /** Condition numbers above this are left to {@link ActiveSetKkt} (solve errors about {@code 1e-10} here). */
    static final double CONDITION_LIMIT = 1e6;

    private final ConstraintGram gram;
    private final int n;
    /** The constraint rows of {@code C}: the equalities, then the active inequalities. */
    private final int[] set;
    private final double[] scale;
    private final Cholesky factor;
    private final double condition;

    private SchurKkt(ConstraintGram gram, int n, int[] set, double[] scale, Cholesky factor, double condition) {
        this.gram = gram;
        this.n = n;
        this.set = set;
        this.scale = scale;
        this.factor = factor;
        this.condition = condition;
    }

    /**
     * @param gram the Gram data of the QP's {@code P, A, G}
     * @param n the number of variables
     * @param p the number of equalities
     * @param active the active inequalities {@code S}, increasing
     * @return the factorization, or null if the Schur complement is singular (dependent rows of {@code C}) or the
     *     condition number exceeds {@link #CONDITION_LIMIT}
     */
    static SchurKkt factor(ConstraintGram gram, int n, int p, int[] active) {
        int t = p + active.length;
        int rows = gram.rows();
        int[] set = new int[t];
        for (int a = 0; a < t; a++) {
            set[a] = a < p ? a : p + active[a - p];
        }
        double[] scale = new double[t];
        for (int a = 0; a < t; a++) {
            double d = gram.gram[set[a] * rows + set[a]];
            if (!(d > 0) || !Double.isFinite(d)) {
                return null;
            }
            scale[a] = Math.scalb(1.0, -Math.getExponent(d) / 2);
        }
        Cholesky factor = gram.schur(set, scale);
        if (!factor.isPositiveDefinite()) {
            return null;
        }
        double norm = 0;
        for (int a = 0; a < t; a++) {
            double column = 0;
            for (int b = 0; b < t; b++) {
                column += Math.abs(scale[a] * gram.gram[set[a] * rows + set[b]] * scale[b]);
            }
            norm = Math.max(norm, column);
        }
        double condition = gram.pCondition() * Math.max(1.0, norm * factor.inverseOneNormEstimate());
        return condition <= CONDITION_LIMIT ? new SchurKkt(gram, n, set, scale, factor, condition) : null;
    }

    @Override
    public double[] solve(double[] r) {
        int t = set.length;
        double[] u = gram.lower(Arrays.copyOf(r, n));
        double[] cu = gram.project(u);
        double[] mu = new double[t];
        for (int a = 0; a < t; a++) {
            mu[a] = scale[a] * (cu[set[a]] - r[n + a]);
        }
        factor.solveInPlace(mu);
        double[] negated = new double[t];
        for (int a = 0; a < t; a++) {
            mu[a] *= scale[a];
            negated[a] = -mu[a];
        }
        double[] w = Arrays.copyOf(gram.combine(u, set, negated), n + t);
        System.arraycopy(mu, 0, w, n, t);
        return w;
    }

    @Override
    public double conditionNumber() {
        return condition;
    }

    @Override
    public boolean regularized() {
        return false;
    }
}
