package io.foldopt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a bad command line, or any failure while running a command (an exception or an
 * {@link Error} such as {@link OutOfMemoryError}), as one line on stderr that names the command and
 * what failed, instead of a usage dump or a stack trace. With {@code --verbose} (or the environment
 * variable {@code FOLDOPT_VERBOSE=1}) the stack trace follows the line.
 *
 * <p>Exit codes: 2 for a usage error, 1 for a failure.
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler, IExecutionStrategy {
    /** The option that asks for stack traces. */
    static final String VERBOSE = "--verbose";

    private final boolean verboseByEnvironment;

    /** @param verboseByEnvironment whether to print stack traces whatever the command line says */
    OneLineErrors(boolean verboseByEnvironment) {
        this.verboseByEnvironment = verboseByEnvironment;
    }

    /** Runs the last command given, turning an {@link Error} it throws into a failure this handler reports. */
    @Override
    public int execute(ParseResult parseResult) {
        try {
            return new RunLast().execute(parseResult);
        } catch (Error e) {
            CommandLine last = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
            throw new ExecutionException(last, e.toString(), e);
        }
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ");
        if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption() && !cmd.getSubcommands().isEmpty()) {
            line.append("unknown command '").append(u.getUnmatched().get(0)).append('\'');
        } else if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption()) {
            line.append("unexpected argument '").append(u.getUnmatched().get(0)).append('\'')
                    .append(cmd.getCommandSpec().positionalParameters().isEmpty() ? ": it takes no arguments" : "");
        } else {
            line.append(oneLine(ex.getMessage()));
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
        Throwable failure = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(failure));
        if (verbose(parseResult)) {
            failure.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /**
     * @return one line saying what failed: "error: " and the message for a failure the command expects (bad input,
     *     a file that cannot be written, a solver that gave up), otherwise what kind of internal failure it was
     */
    static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? "" : oneLine(failure.getMessage());
        if (failure instanceof OutOfMemoryError) {
            return "error: out of memory (" + message + ") with a Java heap of at most "
                    + MemoryBudget.size(Runtime.getRuntime().maxMemory())
                    + "; ask for a smaller problem, or give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx16g)";
        }
        if (failure instanceof StackOverflowError) {
            return "error: stack overflow; the problem nests too deeply for the thread stack (java -Xss sets it);"
                    + " rerun with " + VERBOSE + " for the trace";
        }
        if (expected(failure)) {
            return "error: " + (message.isEmpty() ? failure.getClass().getSimpleName() : message);
        }
        return "internal error: " + failure.getClass().getName() + (message.isEmpty() ? "" : ": " + message)
                + "; rerun with " + VERBOSE + " and report the trace";
    }

    /**
     * @return whether the failure is one a command reports by design: invalid input or state, a file problem, or a
     *     numerical failure raised by foldopt itself
     */
    private static boolean expected(Throwable failure) {
        return failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                || failure instanceof IOException || failure instanceof UncheckedIOException
                || (failure instanceof RuntimeException && failure.getClass().getName().startsWith("io.foldopt."))
                || (failure instanceof ArithmeticException && failure.getMessage() != null);
    }

    private boolean verbose(ParseResult parseResult) {
        if (verboseByEnvironment) {
            return true;
        }
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
