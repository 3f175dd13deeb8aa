package io.foldopt.cli.train;

import io.foldopt.nn.dfl.Oracle;
import java.nio.file.Path;
import java.util.Locale;

/** Problem files by their extension, and the oracle of a problem. */
public final class Problems {
    private Problems() {}

    /** @return whether {@code file} has an extension {@link #read} knows ({@code .json} or {@code .mps}) */
    public static boolean known(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".mps");
    }

    /** @return the problem in a {@code .json} or {@code .mps} file */
    public static DecisionProblem read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return ProblemJson.read(file);
        }
        if (name.endsWith(".mps")) {
            return Mps.read(file);
        }
        throw new IllegalArgumentException(file + ": expected a problem file ending in .json or .mps");
    }

    /**
     * @return the oracle {@code c -> argmin} of the problem's minimization form (costs negated for a maximization):
     *     ojAlgo's simplex and branch and bound for an LP or MIP, foldopt's QP solver for a problem with a quadratic
     *     term
     */
    public static Oracle oracle(DecisionProblem problem) {
        if (problem.quadratic() != null) {
            return new QpDecisionOracle(problem);
        }
        return new LinearDecisionOracle(problem);
    }
}
