package io.foldopt.cli.train;

import io.foldopt.nn.dfl.DecisionBatch;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The output of {@code foldopt predict}: per row, the predicted costs (columns named like the model's cost columns)
 * and, for a problem, the optimal decision for them (columns {@code w_VARIABLE}) and its objective value
 * ({@code objective}, in the problem's sense, with the predicted costs).
 *
 * @param columns the column names
 * @param values the rows {@code (N, columns)}
 * @param regret the normalized regret of the decisions against true costs, or NaN without them
 */
public record Predictions(List<String> columns, Tensor values, double regret) {
    /** Copies the column names. */
    public Predictions {
        columns = List.copyOf(columns);
    }

    /**
     * @param model the cost model
     * @param problem the problem to decide, or null for costs only
     * @param oracle the oracle of its minimization form ({@link Problems#solver}), or null without a problem
     * @param features the rows' features {@code (N, p)}
     * @param trueCosts the rows' true costs {@code (N, n)} for the regret, or null
     * @return the predictions
     */
    public static Predictions of(TrainedModel model, DecisionProblem problem, Oracle oracle, Tensor features,
            Tensor trueCosts) {
        Tensor predicted = model.predict(features);
        if (problem == null) {
            return new Predictions(model.costs(), predicted, Double.NaN);
        }
        Decisions decisions = new Decisions(problem, oracle);
        Tensor w = decisions.decide(predicted, "row");
        int rows = features.dim(0);
        int n = problem.variableCount();
        int width = 2 * n + 1;
        double[] out = new double[rows * width];
        double[] c = predicted.data();
        double[] wd = w.data();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(c, i * n, out, i * width, n);
            System.arraycopy(wd, i * n, out, i * width + n, n);
            out[i * width + 2 * n] = problem.objective(Arrays.copyOfRange(c, i * n, (i + 1) * n),
                    Arrays.copyOfRange(wd, i * n, (i + 1) * n));
        }
        List<String> columns = new ArrayList<>(model.costs());
        for (String v : problem.variables()) {
            columns.add("w_" + v);
        }
        columns.add("objective");
        double regret = Double.NaN;
        if (trueCosts != null) {
            DecisionBatch truth = decisions.truth(trueCosts, "row");
            regret = decisions.regret(predicted, truth, "row");
        }
        return new Predictions(columns, Tensor.wrap(out, rows, width), regret);
    }

    /** @return what the columns hold, in a few words */
    public String describe() {
        return columns.size() > 0 && columns.get(columns.size() - 1).equals("objective")
                ? "predicted costs, decisions and objective values" : "predicted costs";
    }
}
