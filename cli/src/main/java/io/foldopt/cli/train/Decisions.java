package io.foldopt.cli.train;

import io.foldopt.autodiff.Var;
import io.foldopt.nn.dfl.DecisionBatch;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.nn.dfl.Regret;
import io.foldopt.tensor.Tensor;

/**
 * Decisions for a {@link DecisionProblem} through its oracle, in the problem's own sense: the oracle minimizes, so a
 * maximization's costs are negated on the way in ({@link #toMinimization}), and regret is measured with the problem's
 * full objective (including a quadratic term).
 */
final class Decisions {
    private final DecisionProblem problem;
    private final Oracle oracle;
    private final double sign;

    /** @param oracle the oracle of the problem's minimization form */
    Decisions(DecisionProblem problem, Oracle oracle) {
        this.problem = problem;
        this.oracle = oracle;
        this.sign = problem.maximize() ? -1 : 1;
    }

    /** @return {@code c} for a minimization, {@code -c} for a maximization */
    Var toMinimization(Var c) {
        return sign < 0 ? c.neg() : c;
    }

    private Tensor toMinimization(Tensor c) {
        return sign < 0 ? c.map(v -> -v) : c;
    }

    /**
     * @param costs true costs {@code (N, n)} in the problem's sense
     * @param rows what a row is called in messages, e.g. "training row"
     * @return the ground truth of the minimization form: its costs, optimal decisions and values
     * @throws IllegalArgumentException naming the row if the problem has no optimal decision for its costs
     */
    DecisionBatch truth(Tensor costs, String rows) {
        try {
            return DecisionBatch.solve(oracle, toMinimization(costs));
        } catch (OracleException e) {
            throw failure(e, rows);
        }
    }

    /** @return the optimal decisions {@code (N, n)} for predicted costs in the problem's sense */
    Tensor decide(Tensor predicted, String rows) {
        try {
            return oracle.solveBatch(toMinimization(predicted));
        } catch (OracleException e) {
            throw failure(e, rows);
        }
    }

    /**
     * @param predicted predicted costs {@code (N, n)} in the problem's sense
     * @return the normalized regret {@code sum_b (f(w*(c_hat_b); c_b) - f(w*(c_b); c_b)) / sum_b |f(w*(c_b); c_b)|}
     *     of the minimization form {@code f} (0 is perfect)
     */
    double regret(Tensor predicted, DecisionBatch truth, String rows) {
        if (problem.quadratic() == null) {
            try {
                return Regret.normalized(oracle, toMinimization(predicted), truth);
            } catch (OracleException e) {
                throw failure(e, rows);
            }
        }
        Tensor w = decide(predicted, rows);
        int n = problem.variableCount();
        double[] c = truth.costs().data();
        double[] best = truth.decisions().data();
        double regret = 0;
        double scale = 0;
        for (int b = 0; b < truth.size(); b++) {
            double[] cb = java.util.Arrays.copyOfRange(c, b * n, (b + 1) * n);
            double optimal = problem.objective(cb, java.util.Arrays.copyOfRange(best, b * n, (b + 1) * n));
            regret += problem.objective(cb, java.util.Arrays.copyOfRange(w.data(), b * n, (b + 1) * n)) - optimal;
            scale += Math.abs(optimal);
        }
        if (scale == 0) {
            throw new IllegalArgumentException("normalized regret is undefined: every optimal value is 0");
        }
        return regret / scale;
    }

    private IllegalArgumentException failure(OracleException e, String rows) {
        String where = e.instance() >= 0 ? " for the costs of " + rows + " " + (e.instance() + 1) : "";
        return new IllegalArgumentException(problem.source() + ": no optimal decision" + where + ": "
                + e.getMessage().replaceFirst("^instance \\d+: ", "") + " (" + e.status().label() + ")", e);
    }
}
