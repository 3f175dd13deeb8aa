package io.foldopt.cli.train;

import io.foldopt.nn.dfl.BlackBox;
import io.foldopt.nn.dfl.DecisionLoss;
import io.foldopt.nn.dfl.FoldedRegularizedLp;
import io.foldopt.nn.dfl.NoiseContrastive;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.PerturbedFenchelYoung;
import io.foldopt.nn.dfl.PerturbedOptimizer;
import io.foldopt.nn.dfl.SolutionPool;
import io.foldopt.nn.dfl.SpoPlus;
import io.foldopt.tensor.Tensor;
import java.util.List;

/**
 * The training methods of {@code foldopt train}: the decision-focused losses of {@code io.foldopt.nn.dfl} by name, and
 * two-stage regression.
 */
public final class Methods {
    /** Two-stage: fit the costs by mean squared error, then optimize. */
    public static final String TWO_STAGE = "two-stage";
    /** The method names, in the order help lists them. */
    public static final List<String> NAMES = List.of("spo+", "pfyl", "dbb", "dpo", "nce", "cmap", "folded",
            TWO_STAGE);

    /**
     * The settings of the losses.
     *
     * @param samples the perturbations per row and step of {@code pfyl} and {@code dpo}
     * @param sigma the standard deviation of their Gaussian perturbations, in the costs' units
     * @param lambda the interpolation strength of {@code dbb}
     * @param mu the weight of the regularizer {@code (mu / 2) |w|^2} of {@code folded}
     * @param solveRatio the probability that a step of {@code nce} or {@code cmap} solves the predicted costs and
     *     adds the decisions to the solution pool
     */
    public record LossSettings(int samples, double sigma, double lambda, double mu, double solveRatio) {}

    private Methods() {}

    /**
     * Checks that a method applies to a problem.
     *
     * @throws IllegalArgumentException naming the method and the problem if it does not
     */
    public static void requireApplicable(String method, DecisionProblem problem) {
        if (!NAMES.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "'; expected one of "
                    + String.join(", ", NAMES));
        }
        if (method.equals("folded") && problem.relaxation() == null) {
            throw new IllegalArgumentException("--method folded needs constraints or bounds: " + problem.source()
                    + " has none, so its regularized problem has no feasible set to project on");
        }
        if (problem.quadratic() != null && !method.equals(TWO_STAGE)) {
            throw new IllegalArgumentException("--method " + method + " needs a linear objective, and "
                    + problem.source() + " has a quadratic term Q; use " + TWO_STAGE);
        }
    }

    /**
     * @param method one of {@link #NAMES}
     * @param problem the problem
     * @param oracle its oracle (minimization form)
     * @param decisions the optimal decisions {@code (N, n)} of the training rows, the first solutions of the pool of
     *     {@code nce} and {@code cmap}
     * @param settings the methods' settings
     * @param seed the seed of any sampling in the loss
     * @return the loss on predicted costs of the minimization form, or null for two-stage
     * @throws IllegalArgumentException if the method does not apply to the problem
     */
    public static DecisionLoss loss(String method, DecisionProblem problem, Oracle oracle, Tensor decisions,
            LossSettings settings, long seed) {
        requireApplicable(method, problem);
        return switch (method) {
            case "spo+" -> new SpoPlus(oracle);
            case "pfyl" -> new PerturbedFenchelYoung(oracle, settings.samples(), settings.sigma(), seed);
            case "dpo" -> new PerturbedOptimizer(oracle, settings.samples(), settings.sigma(), seed);
            case "dbb" -> new BlackBox(oracle, settings.lambda());
            case "nce" -> NoiseContrastive.nce(oracle, new SolutionPool(decisions), settings.solveRatio(), seed);
            case "cmap" -> NoiseContrastive.map(oracle, new SolutionPool(decisions), settings.solveRatio(), seed);
            case "folded" -> new FoldedRegularizedLp(problem.relaxation(), settings.mu());
            default -> null;
        };
    }
}
