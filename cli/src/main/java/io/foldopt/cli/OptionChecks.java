package io.foldopt.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values that a command makes before it does any work. Each failure is a usage
 * error (exit code 2) naming the option, what it expects and the value given.
 */
final class OptionChecks {
    /** The most worker threads a command accepts (the limit of a fork-join pool). */
    static final int MAX_THREADS = 32_767;

    private OptionChecks() {}

    /** Requires a relative tolerance in the open interval {@code (0, 1)}. */
    static void tolerance(CommandSpec spec, String option, double value) {
        if (!(value > 0 && value < 1)) {
            throw invalid(spec, option, "must be a tolerance in (0, 1), e.g. 1e-8", Double.toString(value));
        }
    }

    /** Requires a positive and finite number. */
    static void positiveFinite(CommandSpec spec, String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw invalid(spec, option, "must be a positive finite number", Double.toString(value));
        }
    }

    /** Requires a probability in {@code [0, 1]}. */
    static void probability(CommandSpec spec, String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(spec, option, "must be a probability in [0, 1]", Double.toString(value));
        }
    }

    /** Requires an integer of at least 1. */
    static void positive(CommandSpec spec, String option, long value) {
        if (value < 1) {
            throw invalid(spec, option, "must be a positive integer (at least 1)", Long.toString(value));
        }
    }

    /** Requires a worker-thread count in {@code [1, MAX_THREADS]}. */
    static void threads(CommandSpec spec, String option, int value) {
        if (value < 1 || value > MAX_THREADS) {
            throw invalid(spec, option, "must be a number of threads from 1 to " + MAX_THREADS,
                    Integer.toString(value));
        }
    }

    /**
     * Makes sure the report folder {@code dir} exists and a file can be created in it, creating the
     * folder (and its parents) if needed.
     *
     * @throws ParameterException naming the folder and the operating system's reason otherwise
     */
    static void writableFolder(CommandSpec spec, String option, Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".foldopt-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ParameterException(spec.commandLine(), option + " " + dir + ": cannot write a report there: "
                    + (e instanceof IOException io ? reason(io) : e.getMessage()));
        }
    }

    /**
     * @return what went wrong with a file operation in a few words: the operating system's reason when it gave
     *     one, otherwise the meaning of the exception's type
     */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file that is not a directory is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static ParameterException invalid(CommandSpec spec, String option, String expected, String got) {
        return new ParameterException(spec.commandLine(), option + " " + expected + ", got " + got);
    }
}
