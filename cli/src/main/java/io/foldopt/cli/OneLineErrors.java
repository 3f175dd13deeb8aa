package io.foldopt.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a bad command line, or a failure while running a command, as one line on stderr that
 * names the command (and, for a usage error, points to its {@code --help}) instead of a usage dump.
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ");
        if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption() && !cmd.getSubcommands().isEmpty()) {
            line.append("unknown command '").append(u.getUnmatched().get(0)).append('\'');
        } else {
            line.append(ex.getMessage());
        }
        if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
        }
        line.append("; see '").append(name).append(" --help'");
        cmd.getErr().println(line);
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + message);
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }
}
