package io.foldopt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code foldopt} command: entry point of the command-line tool, and the root of its command
 * tree (one class per command).
 */
@Command(name = "foldopt", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, subcommands = {ListCommand.class, RunCommand.class, BenchCommand.class, SensitivityCommand.class,
            StudyCommand.class, EvalCommand.class, TrainCommand.class, PredictCommand.class,
            CommandLine.HelpCommand.class},
        description = "Differentiable optimization by folded optimization: benchmarks and experiments.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:an error in an input file, or a failure while running (one line on stderr)",
            "2:an invalid command line (one line on stderr)",
            "3-10:'foldopt sensitivity' only: the solve status was not optimal (see docs/problem-files.md)"})
public final class Main extends CommandGroup {
    /** The environment variable that, set to 1, makes every failure print its stack trace. */
    static final String VERBOSE_ENVIRONMENT = "FOLDOPT_VERBOSE";

    @Option(names = OneLineErrors.VERBOSE, scope = ScopeType.INHERIT,
            description = "On a failure, print the stack trace after the error line (also: FOLDOPT_VERBOSE=1).")
    boolean verbose;

    /**
     * Runs the tool and exits with its status: 0 on success, 2 on a usage error, 1 on a failure, and for
     * {@code sensitivity} the exit code of a status other than optimal.
     */
    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) {
            // Only a failure inside the error reporting itself gets here.
            System.err.println("foldopt: " + OneLineErrors.describe(t));
            code = 1;
        }
        System.exit(code);
    }

    /**
     * @return the command tree, with errors reported as one line on stderr (see {@link OneLineErrors});
     *     tests run it in-process with their own output writers
     */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new Main()), "1".equals(System.getenv(VERBOSE_ENVIRONMENT)));
    }

    /**
     * @param verboseByEnvironment whether every failure prints its stack trace
     * @return {@code cmd}, reporting its usage errors and failures as one line (see {@link OneLineErrors})
     */
    static CommandLine configure(CommandLine cmd, boolean verboseByEnvironment) {
        OneLineErrors errors = new OneLineErrors(verboseByEnvironment);
        return cmd.setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setExecutionStrategy(errors);
    }
}
