package io.foldopt.cli.train;

import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.status.Status;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;

/**
 * The decision {@code w*(c) = argmin c' w} over a {@link DecisionProblem} without a quadratic term (an LP or a MIP),
 * solved by ojAlgo's simplex method and, for integer variables, its branch and bound (one thread per solve, so
 * that solves are deterministic; batches run in parallel over instances). Each solve builds its own model, so the
 * oracle is thread-safe. ojAlgo's states map to {@link Status}: optimal to {@code OPTIMAL}, infeasible and unbounded
 * to themselves, anything else to {@code NUMERICAL_FAILURE}; all but the first are an {@link OracleException}.
 */
final class LinearDecisionOracle implements Oracle {
    static {
        // ojAlgo prints a banner about hardware profiles to stdout when first used unless this property is set;
        // it would end up in the command's output
        if (System.getProperty("shut.up.ojAlgo") == null) {
            System.setProperty("shut.up.ojAlgo", "true");
        }
    }

    private static final IntegerStrategy ONE_THREAD = IntegerStrategy.newConfigurable().withParallelism(() -> 1);

    private final DecisionProblem problem;
    private final int n;
    private final int[] rowPointers;
    private final int[] columns;
    private final double[] values;
    private final double[] rowLower;
    private final double[] rowUpper;
    private final double[] lower;
    private final double[] upper;
    private final boolean[] integer;

    /** @param problem an LP or MIP (no quadratic term) */
    LinearDecisionOracle(DecisionProblem problem) {
        if (problem.quadratic() != null) {
            throw new IllegalArgumentException(problem.source() + ": a problem with a quadratic term needs the QP"
                    + " oracle");
        }
        this.problem = problem;
        this.n = problem.variableCount();
        this.rowPointers = problem.matrix().rowPointers();
        this.columns = problem.matrix().columnIndices();
        this.values = problem.matrix().values().value().data();
        this.rowLower = problem.rowLower();
        this.rowUpper = problem.rowUpper();
        this.lower = problem.lower();
        this.upper = problem.upper();
        this.integer = problem.integer();
    }

    @Override
    public int dimension() {
        return n;
    }

    @Override
    public long workPerSolve() {
        return 50L * (n + rowLower.length) * (n + rowLower.length);
    }

    @Override
    public double[] solve(double[] cost) {
        Oracle.checkCost(cost, n);
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        model.options.integer(ONE_THREAD);
        Variable[] w = new Variable[n];
        for (int j = 0; j < n; j++) {
            w[j] = model.addVariable("w" + j).weight(cost[j]);
            if (lower[j] > Double.NEGATIVE_INFINITY) {
                w[j].lower(lower[j]);
            } else {
                w[j].lower(null);
            }
            if (upper[j] < Double.POSITIVE_INFINITY) {
                w[j].upper(upper[j]);
            }
            if (integer[j]) {
                w[j].integer(true);
            }
        }
        for (int i = 0; i < rowLower.length; i++) {
            Expression e = model.addExpression("r" + i);
            for (int k = rowPointers[i]; k < rowPointers[i + 1]; k++) {
                e.set(w[columns[k]], values[k]);
            }
            if (rowLower[i] > Double.NEGATIVE_INFINITY) {
                e.lower(rowLower[i]);
            }
            if (rowUpper[i] < Double.POSITIVE_INFINITY) {
                e.upper(rowUpper[i]);
            }
        }
        Optimisation.Result result;
        try {
            result = model.minimise();
        } catch (RuntimeException ex) {
            throw new OracleException("ojAlgo failed: " + ex, Status.NUMERICAL_FAILURE, -1);
        }
        Optimisation.State state = result.getState();
        if (state == Optimisation.State.INFEASIBLE) {
            throw new OracleException("no point satisfies all constraints and bounds of " + problem.source()
                    + " together", Status.INFEASIBLE, -1);
        }
        if (state == Optimisation.State.UNBOUNDED) {
            throw new OracleException("the objective has no lower bound over the constraints", Status.UNBOUNDED, -1);
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = result.doubleValue(j);
            if (integer[j]) {
                out[j] = Math.rint(out[j]);
            }
        }
        if (!state.isOptimal() || !io.foldopt.linalg.Vec.allFinite(out)) {
            throw new OracleException("ojAlgo ended in state " + state, Status.NUMERICAL_FAILURE, -1);
        }
        return out;
    }
}
