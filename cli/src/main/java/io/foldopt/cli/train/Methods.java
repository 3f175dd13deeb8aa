package io.foldopt.cli.train;

import io.foldopt.nn.dfl.DecisionLoss;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.SpoPlus;
import java.util.List;

/** The training methods of {@code foldopt train}: decision-focused losses by name, and two-stage regression. */
public final class Methods {
    /** Two-stage: fit the costs by mean squared error, then optimize. */
    public static final String TWO_STAGE = "two-stage";
    /** The method names, in the order help lists them. */
    public static final List<String> NAMES = List.of("spo+", TWO_STAGE);

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
        if (problem.quadratic() != null && !method.equals(TWO_STAGE)) {
            throw new IllegalArgumentException("--method " + method + " needs a linear objective, and "
                    + problem.source() + " has a quadratic term Q; use " + TWO_STAGE);
        }
    }

    /**
     * @param method one of {@link #NAMES}
     * @param problem the problem
     * @param oracle its oracle (minimization form)
     * @param seed the seed of any sampling in the loss
     * @return the loss on predicted costs of the minimization form, or null for two-stage
     * @throws IllegalArgumentException if the method does not apply to the problem
     */
    public static DecisionLoss loss(String method, DecisionProblem problem, Oracle oracle, long seed) {
        requireApplicable(method, problem);
        if (method.equals(TWO_STAGE)) {
            return null;
        }
        return switch (method) {
            case "spo+" -> new SpoPlus(oracle);
            default -> throw new IllegalArgumentException("unknown method '" + method + "'");
        };
    }
}
