package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Kernels;
import java.util.Arrays;

/**
 * What depends only on {@code P, A, G} in the QPs {@code min 1/2 z^T P z + q^T z s.t. A z = b, G z <= h} with a
 * positive definite {@code P = L L^T}, for the constraint rows {@code c_j} of {@code C = [A; G]} ({@code p + m}
 * rows): the Cholesky factor {@code L}, the matrix {@code Y = L^{-1} C^T} and the Gram matrix
 * {@code C P^{-1} C^T = Y^T Y}. On an active set {@code S} the KKT conditions reduce to the Schur complement
 * {@code C_S P^{-1} C_S^T}, a principal submatrix of the Gram matrix, so every active set costs one Cholesky
 * factorization of order {@code p + |S|} ({@link WarmStartQpSolver}'s steps, {@link SchurKkt}'s derivative); the
 * products with {@code P^{-1}} go through {@code u = L^{-1} v}: {@code C P^{-1} v = Y^T u} ({@link #project}) and
 * {@code P^{-1} (v + C^T w) = L^{-T} (u + Y w)} ({@link #combine}). {@code Y} costs a forward substitution with
 * {@code p + m} right-hand sides, the Gram matrix one dense product ({@link Kernels}). A diagonal {@code P}
 * (then {@code L = diag(sqrt(P_ii))}, the factor Cholesky's algorithm computes) is recognized and costs no
 * factorization, {@code P = I} no solves either.
 */
final class ConstraintGram {
    /** A pivot at most this times the largest diagonal counts as singular. */
    static final double SINGULAR_PIVOT = 1e-12;

    private final QpProblem source;
    /** The factor of {@code P}, or null if {@code P} is diagonal. */
    private final Cholesky pFactor;
    /** {@code sqrt(P_ii)} if {@code P} is diagonal but not {@code I}, else null. */
    private final double[] diagonalFactor;
    /** The estimate of the 1-norm condition number of {@code P}, once {@link #pCondition()} made it. */
    private volatile double pCondition = Double.NaN;
    /** Row i of {@code Y = L^{-1} C^T}, {@code n} rows of length {@code p + m}. */
    private final double[][] y;
    /** {@code C P^{-1} C^T}, {@code (p + m) x (p + m)}. */
    final double[] gram;

    private ConstraintGram(QpProblem source, Cholesky pFactor, double[] diagonalFactor, double[][] y, double[] gram) {
        this.source = source;
        this.pFactor = pFactor;
        this.diagonalFactor = diagonalFactor;
        this.y = y;
        this.gram = gram;
    }

    /** @return the data of {@code problem}, or null if {@code P} is not positive definite */
    static ConstraintGram of(QpProblem problem) {
        int n = problem.n;
        int rows = problem.p + problem.m;
        Cholesky pFactor = null;
        double[] diagonalFactor = null;
        if (isDiagonal(problem.pm, n)) {
            if (!isIdentity(problem.pm, n)) {
                diagonalFactor = diagonalFactor(problem.pm, n);
                if (diagonalFactor == null) {
                    return null;
                }
            }
        } else {
            double maxDiag = 0;
            for (int i = 0; i < n; i++) {
                maxDiag = Math.max(maxDiag, problem.pm[i * n + i]);
            }
            pFactor = Cholesky.factor(problem.pm, n, 0.0, SINGULAR_PIVOT * maxDiag);
            if (!pFactor.isPositiveDefinite()) {
                return null;
            }
        }
        double[][] y = new double[n][rows];
        for (int j = 0; j < rows; j++) {
            double[] c = row(problem, j);
            int off = rowOffset(problem, j);
            for (int i = 0; i < n; i++) {
                y[i][j] = c[off + i];
            }
        }
        if (pFactor != null) {
            pFactor.solveLowerInPlace(y);
        } else if (diagonalFactor != null) {
            for (int i = 0; i < n; i++) {
                double d = diagonalFactor[i];
                double[] yi = y[i];
                for (int j = 0; j < rows; j++) {
                    yi[j] /= d;
                }
            }
        }
        double[] yt = new double[rows * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < rows; j++) {
                yt[j * n + i] = y[i][j];
            }
        }
        double[] gram = new double[rows * rows];
        Kernels.multiplyAdd(1.0, yt, 0, n, y, gram, 0, rows, rows, n, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < i; j++) {
                gram[j * rows + i] = gram[i * rows + j];
            }
        }
        return new ConstraintGram(problem, pFactor, diagonalFactor, y, gram);
    }

    private static boolean isDiagonal(double[] pm, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && pm[i * n + j] != 0.0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isIdentity(double[] pm, int n) {
        for (int i = 0; i < n; i++) {
            if (pm[i * n + i] != 1.0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return {@code sqrt(P_ii)} for a diagonal {@code P}, or null if a pivot {@code P_ii} is at most
     *     {@link #SINGULAR_PIVOT} times the largest or not finite (as {@link Cholesky} would fail)
     */
    private static double[] diagonalFactor(double[] pm, int n) {
        double[] d = new double[n];
        double maxDiag = 0;
        for (int i = 0; i < n; i++) {
            d[i] = pm[i * n + i];
            maxDiag = Math.max(maxDiag, d[i]);
        }
        for (int i = 0; i < n; i++) {
            if (!(d[i] > SINGULAR_PIVOT * maxDiag) || d[i] == Double.POSITIVE_INFINITY) {
                return null;
            }
            d[i] = Math.sqrt(d[i]);
        }
        return d;
    }

    private static double[] row(QpProblem problem, int j) {
        return j < problem.p ? problem.a : problem.g;
    }

    private static int rowOffset(QpProblem problem, int j) {
        return (j < problem.p ? j : j - problem.p) * problem.n;
    }

    /** @return the estimate of the 1-norm condition number of {@code P} (1 for {@code P = I}), made once */
    double pCondition() {
        double c = pCondition;
        if (Double.isNaN(c)) {
            // P is symmetric: its 1-norm is its infinity norm.
            c = pFactor != null ? Dense.normInf(source.pm, source.n, source.n) * pFactor.inverseOneNormEstimate()
                    : diagonalCondition();
            pCondition = c;
        }
        return c;
    }

    /** @return {@code max_i P_ii / min_i P_ii} of a diagonal {@code P} (1 for {@code P = I}) */
    private double diagonalCondition() {
        if (diagonalFactor == null) {
            return 1.0;
        }
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double d : diagonalFactor) {
            max = Math.max(max, d * d);
            min = Math.min(min, d * d);
        }
        return max / min;
    }

    /** @return whether {@code problem} has this data's {@code P, A, G} */
    boolean matches(QpProblem problem) {
        return problem.n == source.n && problem.p == source.p && problem.m == source.m
                && same(problem.pm, source.pm) && same(problem.a, source.a) && same(problem.g, source.g);
    }

    private static boolean same(double[] u, double[] v) {
        return u == v || Arrays.equals(u, v);
    }

    /** @return {@code u = L^{-1} v} (a new array), the argument of {@link #project} and {@link #combine} */
    double[] lower(double[] v) {
        double[] u = v.clone();
        if (pFactor != null) {
            pFactor.solveLowerInPlace(u);
        } else if (diagonalFactor != null) {
            divide(u);
        }
        return u;
    }

    /** {@code v <- diag(sqrt(P_ii))^{-1} v} */
    private void divide(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] /= diagonalFactor[i];
        }
    }

    /** @return {@code Y^T u = C P^{-1} v} for {@code u = L^{-1} v}: the products {@code c_j^T P^{-1} v}, every row */
    double[] project(double[] u) {
        double[] out = new double[rows()];
        for (int i = 0; i < u.length; i++) {
            Vec.axpy(u[i], y[i], 0, out, 0, out.length);
        }
        return out;
    }

    /**
     * @param u {@code L^{-1} v}
     * @param set constraint rows of {@code C}
     * @param w a weight per row of {@code set}
     * @return {@code L^{-T} (u + Y_set w) = P^{-1} (v + C_set^T w)} (a new array)
     */
    double[] combine(double[] u, int[] set, double[] w) {
        double[] t = new double[u.length];
        for (int i = 0; i < t.length; i++) {
            double[] yi = y[i];
            double s = u[i];
            for (int a = 0; a < set.length; a++) {
                s += yi[set[a]] * w[a];
            }
            t[i] = s;
        }
        if (pFactor != null) {
            pFactor.solveUpperInPlace(t);
        } else if (diagonalFactor != null) {
            divide(t);
        }
        return t;
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
