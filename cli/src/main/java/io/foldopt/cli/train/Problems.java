package io.foldopt.cli.train;

import io.foldopt.nn.dfl.LinearProgram;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Problem files by their extension, and the oracle of a problem. */
public final class Problems {
    /** The LP/MIP solver choices: OR-Tools when it is on the class path and loads, else ojAlgo; or either one. */
    public static final List<String> SOLVERS = List.of("auto", "ortools", "ojalgo");

    private Problems() {}

    /**
     * An oracle and the solver behind it.
     *
     * @param oracle the oracle {@code c -> argmin} of the problem's minimization form
     * @param description the solver, in a few words, e.g. {@code OR-Tools SCIP}
     */
    public record Solver(Oracle oracle, String description) {}

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
        return solver(problem, "ojalgo").oracle();
    }

    /**
     * The oracle of the problem's minimization form. A problem with a quadratic term is solved by foldopt's
     * interior-point QP solver; an LP or MIP by the chosen solver: {@code ortools} (the {@link OracleProvider} of the
     * optional foldopt-ortools module: GLOP for an LP, SCIP for a MIP), {@code ojalgo} (ojAlgo's simplex and branch
     * and bound), or {@code auto}: OR-Tools if its provider is on the class path and its native library loads,
     * ojAlgo otherwise.
     *
     * @param problem the problem
     * @param choice one of {@link #SOLVERS}
     * @return the oracle and the solver's description
     * @throws IllegalArgumentException if the choice is unknown, or {@code ortools} is chosen for a QP or is not
     *     available (saying why)
     */
    public static Solver solver(DecisionProblem problem, String choice) {
        if (!SOLVERS.contains(choice)) {
            throw new IllegalArgumentException("unknown solver '" + choice + "'; expected one of "
                    + String.join(", ", SOLVERS));
        }
        if (problem.quadratic() != null) {
            if (choice.equals("ortools")) {
                throw new IllegalArgumentException("--solver ortools solves LPs and MIPs, and " + problem.source()
                        + " has a quadratic term Q; use --solver auto or ojalgo (foldopt's QP solver)");
            }
            return new Solver(new QpDecisionOracle(problem), "foldopt interior-point QP");
        }
        if (choice.equals("ojalgo")) {
            return ojAlgo(problem, "");
        }
        OracleProvider ortools = OracleProvider.installed().stream().filter(p -> p.name().equals("ortools"))
                .findFirst().orElse(null);
        if (ortools == null) {
            if (choice.equals("ortools")) {
                throw new IllegalArgumentException("--solver ortools: the foldopt-ortools module is not on the class"
                        + " path");
            }
            return ojAlgo(problem, " (OR-Tools is not on the class path)");
        }
        LinearProgram program = problem.toLinearProgram();
        try {
            return new Solver(ortools.oracle(program), ortools.describe(program));
        } catch (IllegalStateException e) {
            if (choice.equals("ortools")) {
                throw new IllegalArgumentException("--solver ortools: " + e.getMessage(), e);
            }
            return ojAlgo(problem, " (OR-Tools is not available: " + e.getMessage() + ")");
        }
    }

    private static Solver ojAlgo(DecisionProblem problem, String note) {
        return new Solver(new LinearDecisionOracle(problem), (problem.hasIntegers() ? "ojAlgo branch and bound"
                : "ojAlgo simplex") + note);
    }
}
