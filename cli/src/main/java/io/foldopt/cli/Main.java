package io.foldopt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code foldopt} command: entry point of the command-line tool, and the root of its command
 * tree (one class per command).
 */
@Command(name = "foldopt", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, subcommands = {ListCommand.class, RunCommand.class, BenchCommand.class, SensitivityCommand.class},
        description = "Differentiable optimization by folded optimization: benchmarks and experiments.")
public final class Main extends CommandGroup {

    /** Runs the tool and exits with its status: 0 on success, 2 on a usage error, 1 on a failure. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command tree, with errors reported as one line on stderr (see {@link OneLineErrors});
     *     tests run it in-process with their own output writers
     */
    public static CommandLine commandLine() {
        OneLineErrors errors = new OneLineErrors();
        return new CommandLine(new Main())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }
}
