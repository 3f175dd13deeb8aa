package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import java.util.Arrays;

/**
 * What depends only on {@code P, A, G} in the QPs {@code min 1/2 z^T P z + q^T z s.t. A z = b, G z <= h} with a
 * positive definite {@code P}, for the constraint rows {@code c_j} of {@code C = [A; G]} ({@code p + m} rows): the
 * Cholesky factor of {@code P}, the rows {@code P^{-1} c_j} and the Gram matrix {@code C P^{-1} C^T}. On an active
 * set {@code S} the KKT conditions reduce to the Schur complement {@code C_S P^{-1} C_S^T}, a principal submatrix of
 * the Gram matrix, so every active set costs one Cholesky factorization of order {@code p + |S|}
 * ({@link WarmStartQpSolver}'s steps, {@link SchurKkt}'s derivative). {@code P = I} is recognized and costs no
 * solves.
 */
final class ConstraintGram {
    /** A pivot at most this times the largest diagonal counts as singular. */
    static final double SINGULAR_PIVOT = 1e-12;

    private final QpProblem source;
    /** The factor of {@code P}, or null if {@code P = I}. */
    private final Cholesky pFactor;
    /** The estimate of the 1-norm condition number of {@code P} (1 for {@code P = I}). */
    final double pCondition;
    /** Row j: {@code P^{-1} c_j}, {@code (p + m) x n}. */
    final double[] pInvC;
    /** {@code C P^{-1} C^T}, {@code (p + m) x (p + m)}. */
    final double[] gram;

    private ConstraintGram(QpProblem source, Cholesky pFactor, double pCondition, double[] pInvC, double[] gram) {
        this.source = source;
        this.pFactor = pFactor;
        this.pCondition = pCondition;
        this.pInvC = pInvC;
        this.gram = gram;
    }

    /** @return the data of {@code problem}, or null if {@code P} is not positive definite */
    static ConstraintGram of(QpProblem problem) {
        int n = problem.n;
        int rows = problem.p + problem.m;
        Cholesky pFactor = null;
        double pCondition = 1.0;
        double[] pInvC = new double[rows * n];
        for (int j = 0; j < rows; j++) {
            System.arraycopy(row(problem, j), rowOffset(problem, j), pInvC, j * n, n);
        }
        if (!isIdentity(problem.pm, n)) {
            double maxDiag = 0;
            for (int i = 0; i < n; i++) {
                maxDiag = Math.max(maxDiag, problem.pm[i * n + i]);
            }
            pFactor = Cholesky.factor(problem.pm, n, 0.0, SINGULAR_PIVOT * maxDiag);
            if (!pFactor.isPositiveDefinite()) {
                return null;
            }
            // P is symmetric: its 1-norm is its infinity norm.
            pCondition = Dense.normInf(problem.pm, n, n) * pFactor.inverseOneNormEstimate();
            double[] y = new double[n];
            for (int j = 0; j < rows; j++) {
                System.arraycopy(pInvC, j * n, y, 0, n);
                pFactor.solveInPlace(y);
                System.arraycopy(y, 0, pInvC, j * n, n);
            }
        }
        double[] gram = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                double v = Vec.dot(row(problem, i), rowOffset(problem, i), pInvC, j * n, n);
                gram[i * rows + j] = v;
                gram[j * rows + i] = v;
            }
        }
        return new ConstraintGram(problem, pFactor, pCondition, pInvC, gram);
    }

    private static boolean isIdentity(double[] pm, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (pm[i * n + j] != (i == j ? 1.0 : 0.0)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[] row(QpProblem problem, int j) {
        return j < problem.p ? problem.a : problem.g;
    }

    private static int rowOffset(QpProblem problem, int j) {
        return (j < problem.p ? j : j - problem.p) * problem.n;
    }

    /** @return whether {@code problem} has this data's {@code P, A, G} */
    boolean matches(QpProblem problem) {
        return problem.n == source.n && problem.p == source.p && problem.m == source.m
                && same(problem.pm, source.pm) && same(problem.a, source.a) && same(problem.g, source.g);
    }

    private static boolean same(double[] u, double[] v) {
        return u == v || Arrays.equals(u, v);
    }

    /** @return {@code P^{-1} v} (a new array) */
    double[] solveP(double[] v) {
        return pFactor == null ? v.clone() : pFactor.solve(v);
    }

    /** @return the rows {@code p + m} of {@code C} */
    int rows() {
        return source.p + source.m;
    }

    /**
     * @param set constraint rows of {@code C}, increasing
     * @param scale the diagonal scaling {@code D} of the rows (length {@code set.length}), or null for none
     * @return the Cholesky factorization of {@code D C_set P^{-1} C_set^T D}, failed (not positive definite) if a
     *     pivot is at most {@link #SINGULAR_PIVOT} times the largest diagonal (dependent rows)
     */
    Cholesky schur(int[] set, double[] scale) {
        int t = set.length;
        int rows = rows();
        double[] s = new double[t * t];
        double maxDiag = 0;
        for (int a = 0; a < t; a++) {
            for (int b = 0; b <= a; b++) {
                double v = gram[set[a] * rows + set[b]];
                s[a * t + b] = scale == null ? v : scale[a] * v * scale[b];
            }
            maxDiag = Math.max(maxDiag, s[a * t + a]);
        }
        return Cholesky.factor(s, t, 0.0, SINGULAR_PIVOT * Math.max(1.0, maxDiag));
    }
}
