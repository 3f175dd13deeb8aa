package io.foldopt.cli.train;

import io.foldopt.cli.sensitivity.ProblemFile;
import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link DecisionProblem} from a JSON problem file (docs/train.md):
 *
 * <pre>
 * {"variables": 3 | ["x", "y", "z"],           the n decision variables (the cost vector's length)
 *  "sense": "minimize" | "maximize",           default minimize
 *  "A_ub": [[..], ..], "b_ub": [..],           A_ub w &lt;= b_ub (optional)
 *  "A_eq": [[..], ..], "b_eq": [..],           A_eq w = b_eq (optional)
 *  "lower": 0 | [.., null, ..],                default 0; null: no bound
 *  "upper": 1 | [.., null, ..],                default none
 *  "integer": "all" | [0, 2],                  0-based indices of the integer variables (default none)
 *  "Q": [[..], ..]}                            1/2 w'Qw added to the objective (optional, minimize only)
 * </pre>
 *
 * Strict like every foldopt problem file: unknown keys (with the closest valid one), repeated keys, non-finite
 * numbers (named by key and index) and shapes that do not agree are errors naming the file and the key.
 */
public final class ProblemJson {
    /** The keys of a problem file. */
    public static final List<String> KEYS = List.of("variables", "sense", "A_ub", "b_ub", "A_eq", "b_eq", "lower",
            "upper", "integer", "Q");

    private ProblemJson() {}

    /** @return the problem in {@code path} */
    public static DecisionProblem read(Path path) {
        ProblemFile f = ProblemFile.read(path);
        f.allowOnly(KEYS);
        List<String> variables = variables(f);
        int n = variables.size();
        boolean maximize = false;
        if (f.has("sense")) {
            String sense = f.string("sense");
            if (!sense.equals("minimize") && !sense.equals("maximize")) {
                throw f.error("sense", "must be \"minimize\" or \"maximize\", got \"" + sense + "\"");
            }
            maximize = sense.equals("maximize");
        }
        Tensor aUb = block(f, "A_ub", "b_ub", n);
        Tensor aEq = block(f, "A_eq", "b_eq", n);
        int mUb = aUb == null ? 0 : aUb.dim(0);
        int mEq = aEq == null ? 0 : aEq.dim(0);
        int m = mUb + mEq;
        double[] dense = new double[m * n];
        double[] rowLower = new double[m];
        double[] rowUpper = new double[m];
        List<String> names = new ArrayList<>(m);
        if (aUb != null) {
            System.arraycopy(aUb.data(), 0, dense, 0, mUb * n);
            double[] b = f.vector("b_ub").data();
            for (int i = 0; i < mUb; i++) {
                rowLower[i] = Double.NEGATIVE_INFINITY;
                rowUpper[i] = b[i];
                names.add("A_ub row " + i);
            }
        }
        if (aEq != null) {
            System.arraycopy(aEq.data(), 0, dense, mUb * n, mEq * n);
            double[] b = f.vector("b_eq").data();
            for (int i = 0; i < mEq; i++) {
                rowLower[mUb + i] = b[i];
                rowUpper[mUb + i] = b[i];
                names.add("A_eq row " + i);
            }
        }
        double[] lower = f.has("lower") ? f.bounds("lower", n, Double.NEGATIVE_INFINITY) : new double[n];
        double[] upper = new double[n];
        Arrays.fill(upper, Double.POSITIVE_INFINITY);
        if (f.has("upper")) {
            upper = f.bounds("upper", n, Double.POSITIVE_INFINITY);
        }
        boolean[] integer = integers(f, n);
        double[] q = null;
        if (f.has("Q")) {
            Tensor qm = f.matrix("Q");
            if (qm.dim(0) != n || qm.dim(1) != n) {
                throw f.error("Q", "must be " + n + " x " + n + " to match \"variables\", got " + qm.dim(0) + " x "
                        + qm.dim(1));
            }
            q = qm.data();
        }
        CsrMatrix a = CsrMatrix.fromDense(Tensor.wrap(dense, m, n));
        return new DecisionProblem(path.toString(), maximize, variables, names, a, rowLower, rowUpper, lower, upper,
                integer, q);
    }

    private static List<String> variables(ProblemFile f) {
        if (!f.has("variables")) {
            throw f.error("variables", "is missing; give the number of variables or their names");
        }
        if (f.isNumber("variables")) {
            int n = f.integer("variables");
            if (n < 1) {
                throw f.error("variables", "must be a positive number of variables, got " + n);
            }
            List<String> names = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                names.add("w" + j);
            }
            return names;
        }
        List<String> names = f.strings("variables");
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < names.size(); j++) {
            if (!seen.add(names.get(j))) {
                throw f.error("variables", "entry [" + j + "]: the name \"" + names.get(j) + "\" appears twice");
            }
        }
        return names;
    }

    /** @return the matrix at {@code matrixKey} (checked against {@code n} and its right side), or null if absent */
    private static Tensor block(ProblemFile f, String matrixKey, String rhsKey, int n) {
        if (f.has(matrixKey) != f.has(rhsKey)) {
            String given = f.has(matrixKey) ? matrixKey : rhsKey;
            String missing = f.has(matrixKey) ? rhsKey : matrixKey;
            throw f.error(missing, "is missing; \"" + given + "\" needs it");
        }
        if (!f.has(matrixKey)) {
            return null;
        }
        Tensor a = f.matrix(matrixKey);
        if (a.dim(1) != n) {
            throw f.error(matrixKey, "has " + a.dim(1) + " columns; it needs one per variable (" + n + ")");
        }
        int rhs = f.vector(rhsKey).dim(0);
        if (rhs != a.dim(0)) {
            throw f.error(rhsKey, "has " + rhs + " entries; it needs one per row of \"" + matrixKey + "\" ("
                    + a.dim(0) + ")");
        }
        return a;
    }

    private static boolean[] integers(ProblemFile f, int n) {
        boolean[] integer = new boolean[n];
        if (!f.has("integer")) {
            return integer;
        }
        if (f.isString("integer")) {
            if (!f.string("integer").equals("all")) {
                throw f.error("integer", "must be \"all\" or a list of 0-based variable indices, got \""
                        + f.string("integer") + "\"");
            }
            Arrays.fill(integer, true);
            return integer;
        }
        int[] idx = f.integers("integer");
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < 0 || idx[k] >= n) {
                throw f.error("integer", "entry [" + k + "] is " + idx[k] + "; variable indices run from 0 to "
                        + (n - 1));
            }
            if (integer[idx[k]]) {
                throw f.error("integer", "entry [" + k + "]: variable " + idx[k] + " is listed twice");
            }
            integer[idx[k]] = true;
        }
        return integer;
    }
}
