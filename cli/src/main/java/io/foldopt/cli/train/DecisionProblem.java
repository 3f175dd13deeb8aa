package io.foldopt.cli.train;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.nn.dfl.LinearProgram;
import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The optimization problem that a model's predicted cost vector {@code c} feeds:
 *
 * <pre>
 *   minimize (or maximize)   c' w + 1/2 w' Q w
 *   subject to               rowLower_i &lt;= a_i' w &lt;= rowUpper_i    (i = 1..m)
 *                            lower_j &lt;= w_j &lt;= upper_j              (j = 1..n)
 *                            w_j integer                            (j in the integer set)
 * </pre>
 *
 * where a row bound or a variable bound may be infinite (no bound), {@code Q} is optional (absent: an LP or MIP)
 * and the constraints do not depend on {@code c}. Construction checks what can be checked without a solver and names
 * the culprit: a variable whose bounds are empty (or hold no integer), and a constraint that no point within the
 * variable bounds satisfies on its own.
 */
public final class DecisionProblem {
    private final String source;
    private final boolean maximize;
    private final List<String> variables;
    private final List<String> constraints;
    private final CsrMatrix a;
    private final double[] rowLower;
    private final double[] rowUpper;
    private final double[] lower;
    private final double[] upper;
    private final boolean[] integer;
    private final double[] q;

    /**
     * @param source the file name used in messages
     * @param maximize whether the objective is maximized
     * @param variables the names of {@code w_1..w_n}
     * @param constraints the names of the {@code m} rows
     * @param a the constraint matrix {@code (m, n)}
     * @param rowLower {@code m} lower row bounds ({@code -inf} for none)
     * @param rowUpper {@code m} upper row bounds ({@code +inf} for none)
     * @param lower {@code n} lower variable bounds ({@code -inf} for none)
     * @param upper {@code n} upper variable bounds ({@code +inf} for none)
     * @param integer which variables are integer
     * @param q the quadratic term {@code (n, n)} row-major (its symmetric part is used), or null for none
     * @throws IllegalArgumentException naming the variable or constraint if the problem is infeasible for a reason
     *     seen without a solver
     */
    public DecisionProblem(String source, boolean maximize, List<String> variables, List<String> constraints,
            CsrMatrix a, double[] rowLower, double[] rowUpper, double[] lower, double[] upper, boolean[] integer,
            double[] q) {
        int n = variables.size();
        int m = constraints.size();
        if (n == 0) {
            throw new IllegalArgumentException(source + ": the problem has no variables");
        }
        if (a.rows() != m || a.cols() != n || rowLower.length != m || rowUpper.length != m || lower.length != n
                || upper.length != n || integer.length != n || (q != null && q.length != n * n)) {
            throw new IllegalArgumentException(source + ": inconsistent sizes for " + n + " variables and " + m
                    + " constraints");
        }
        this.source = source;
        this.maximize = maximize;
        this.variables = List.copyOf(variables);
        this.constraints = List.copyOf(constraints);
        this.a = a;
        this.rowLower = rowLower.clone();
        this.rowUpper = rowUpper.clone();
        this.lower = lower.clone();
        this.upper = upper.clone();
        this.integer = integer.clone();
        this.q = q == null ? null : symmetricPart(q, n);
        if (q != null && maximize) {
            throw new IllegalArgumentException(source + ": a quadratic term needs \"minimize\": maximizing c'w +"
                    + " 1/2 w'Qw is not a convex problem for a positive semidefinite Q");
        }
        if (q != null && hasIntegers()) {
            throw new IllegalArgumentException(source + ": a quadratic term with integer variables (a mixed-integer"
                    + " QP) is not supported; drop the integrality or the quadratic term");
        }
        checkVariables();
        checkRows();
    }

    private static double[] symmetricPart(double[] q, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * (q[i * n + j] + q[j * n + i]);
            }
        }
        return s;
    }

    private void checkVariables() {
        for (int j = 0; j < lower.length; j++) {
            if (lower[j] == Double.POSITIVE_INFINITY || upper[j] == Double.NEGATIVE_INFINITY || lower[j] > upper[j]) {
                throw new IllegalArgumentException(source + ": the problem is infeasible: variable "
                        + variables.get(j) + " has lower bound " + fmt(lower[j]) + " above its upper bound "
                        + fmt(upper[j]));
            }
            if (integer[j] && Math.ceil(lower[j]) > Math.floor(upper[j])) {
                throw new IllegalArgumentException(source + ": the problem is infeasible: variable "
                        + variables.get(j) + " is integer but no integer lies in [" + fmt(lower[j]) + ", "
                        + fmt(upper[j]) + "]");
            }
        }
    }

    /** Rejects a row whose range of values over the variable box misses its bounds. */
    private void checkRows() {
        int[] ptr = a.rowPointers();
        int[] col = a.columnIndices();
        double[] val = a.values().value().data();
        for (int i = 0; i < rowLower.length; i++) {
            if (rowLower[i] > rowUpper[i]) {
                throw new IllegalArgumentException(source + ": the problem is infeasible: constraint "
                        + constraints.get(i) + " needs " + fmt(rowLower[i]) + " <= a'w <= " + fmt(rowUpper[i]));
            }
            double least = 0;
            double most = 0;
            double scale = 0;
            for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                double v = val[k];
                least += v > 0 ? v * lower[col[k]] : v < 0 ? v * upper[col[k]] : 0;
                most += v > 0 ? v * upper[col[k]] : v < 0 ? v * lower[col[k]] : 0;
                scale = Math.max(scale, Math.abs(v) * Math.max(finiteAbs(lower[col[k]]), finiteAbs(upper[col[k]])));
            }
            double tol = 1e-9 * (1 + scale);
            if (least > rowUpper[i] + tol) {
                throw new IllegalArgumentException(source + ": the problem is infeasible: constraint "
                        + constraints.get(i) + " needs its left side <= " + fmt(rowUpper[i]) + ", but within the"
                        + " variable bounds it is at least " + fmt(least));
            }
            if (most < rowLower[i] - tol) {
                throw new IllegalArgumentException(source + ": the problem is infeasible: constraint "
                        + constraints.get(i) + " needs its left side >= " + fmt(rowLower[i]) + ", but within the"
                        + " variable bounds it is at most " + fmt(most));
            }
        }
    }

    private static double finiteAbs(double v) {
        return Double.isFinite(v) ? Math.abs(v) : 0;
    }

    private static String fmt(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "+inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** @return the file the problem was read from */
    public String source() {
        return source;
    }

    /** @return whether the objective is maximized (otherwise minimized) */
    public boolean maximize() {
        return maximize;
    }

    /** @return the number {@code n} of variables, the length of the cost vector */
    public int variableCount() {
        return variables.size();
    }

    /** @return the number {@code m} of constraint rows */
    public int constraintCount() {
        return constraints.size();
    }

    /** @return the variables' names */
    public List<String> variables() {
        return variables;
    }

    /** @return the constraints' names */
    public List<String> constraints() {
        return constraints;
    }

    /** @return the constraint matrix {@code (m, n)} */
    public CsrMatrix matrix() {
        return a;
    }

    /** @return a copy of the lower row bounds */
    public double[] rowLower() {
        return rowLower.clone();
    }

    /** @return a copy of the upper row bounds */
    public double[] rowUpper() {
        return rowUpper.clone();
    }

    /** @return a copy of the lower variable bounds */
    public double[] lower() {
        return lower.clone();
    }

    /** @return a copy of the upper variable bounds */
    public double[] upper() {
        return upper.clone();
    }

    /** @return a copy of the integrality flags */
    public boolean[] integer() {
        return integer.clone();
    }

    /** @return whether any variable is integer */
    public boolean hasIntegers() {
        for (boolean b : integer) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /** @return a copy of the symmetric quadratic term {@code (n, n)} row-major, or null for an LP or MIP */
    public double[] quadratic() {
        return q == null ? null : q.clone();
    }

    /**
     * @return the constraints as a linear program {@code {w : A w = b, G w <= h, lower <= w <= upper, w_j integer}}:
     *     rows whose two bounds are equal as equalities, every other finite row bound as an inequality (a lower
     *     bound {@code l <= a'w} as {@code -a'w <= -l}); the quadratic term is left out
     */
    public LinearProgram toLinearProgram() {
        int n = variables.size();
        double[] dense = a.toDense().data();
        int m = rowLower.length;
        double[] eq = new double[m * n];
        double[] eqRhs = new double[m];
        double[] in = new double[2 * m * n];
        double[] inRhs = new double[2 * m];
        int p = 0;
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (rowLower[i] == rowUpper[i]) {
                System.arraycopy(dense, i * n, eq, p * n, n);
                eqRhs[p++] = rowLower[i];
                continue;
            }
            if (rowUpper[i] < Double.POSITIVE_INFINITY) {
                System.arraycopy(dense, i * n, in, k * n, n);
                inRhs[k++] = rowUpper[i];
            }
            if (rowLower[i] > Double.NEGATIVE_INFINITY) {
                for (int j = 0; j < n; j++) {
                    in[k * n + j] = -dense[i * n + j];
                }
                inRhs[k++] = -rowLower[i];
            }
        }
        return new LinearProgram(Tensor.wrap(Arrays.copyOf(eq, p * n), p, n), Arrays.copyOf(eqRhs, p),
                Tensor.wrap(Arrays.copyOf(in, k * n), k, n), Arrays.copyOf(inRhs, k), lower, upper, integer);
    }

    /**
     * @return the polyhedron {@code {w : A w = b, G w <= h}} of {@link #toLinearProgram()} without integrality, the
     *     finite variable bounds as inequality rows; null if there is no constraint at all
     */
    public Polyhedron relaxation() {
        LinearProgram lp = toLinearProgram();
        boolean constrained = lp.a().dim(0) > 0 || lp.g().dim(0) > 0;
        for (int j = 0; j < lower.length; j++) {
            constrained |= lower[j] > Double.NEGATIVE_INFINITY || upper[j] < Double.POSITIVE_INFINITY;
        }
        return constrained ? lp.relaxation() : null;
    }

    /** @return the objective {@code c' w + 1/2 w' Q w} */
    public double objective(double[] c, double[] w) {
        int n = variables.size();
        double f = 0;
        for (int j = 0; j < n; j++) {
            f += c[j] * w[j];
        }
        if (q != null) {
            for (int i = 0; i < n; i++) {
                double row = 0;
                for (int j = 0; j < n; j++) {
                    row += q[i * n + j] * w[j];
                }
                f += 0.5 * w[i] * row;
            }
        }
        return f;
    }

    /** @return a one-line description: sense, sizes, integrality and objective kind */
    public String describe() {
        int ints = 0;
        for (boolean b : integer) {
            ints += b ? 1 : 0;
        }
        String kind = q != null ? "QP" : ints > 0 ? "MIP" : "LP";
        return String.format(Locale.ROOT, "%s %s: %d variable%s%s, %d constraint%s, %d nonzero%s",
                maximize ? "maximize" : "minimize", kind, variables.size(), variables.size() == 1 ? "" : "s",
                ints > 0 ? " (" + ints + " integer)" : "", constraints.size(), constraints.size() == 1 ? "" : "s",
                a.nnz(), a.nnz() == 1 ? "" : "s");
    }
}
