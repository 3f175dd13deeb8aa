package io.foldopt.cli;

import io.foldopt.cli.train.DecisionProblem;
import io.foldopt.cli.train.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks of the {@code --problem} and {@code --solver} options of {@code train} and {@code predict}, as usage errors. */
final class ProblemOptions {
    private ProblemOptions() {}

    /**
     * @return the problem in {@code file}
     * @throws ParameterException naming {@code --problem} if the file is missing or not {@code .json} or {@code .mps}
     */
    static DecisionProblem read(CommandSpec spec, Path file) {
        if (!Problems.known(file)) {
            throw new ParameterException(spec.commandLine(), "--problem " + file + ": expected a .json or .mps file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "--problem " + file + ": no such file");
        }
        return Problems.read(file);
    }

    /**
     * @return the oracle of {@code problem} through the chosen solver ({@link Problems#solver})
     * @throws ParameterException naming {@code --solver} if the choice is unknown or not available
     */
    static Problems.Solver solver(CommandSpec spec, DecisionProblem problem, String choice) {
        if (!Problems.SOLVERS.contains(choice)) {
            throw new ParameterException(spec.commandLine(), "--solver " + choice + " is not one of "
                    + String.join(", ", Problems.SOLVERS) + Suggestions.didYouMean(choice, Problems.SOLVERS));
        }
        try {
            return Problems.solver(problem, choice);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
