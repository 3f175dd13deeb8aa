package io.foldopt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks, before any work, that a command will not silently overwrite earlier results: a report folder must be new
 * or empty, and an output file must not exist, unless {@code --force} is given; and that it can write there.
 */
final class FileChecks {
    private FileChecks() {}

    /**
     * Makes sure {@code dir} is a folder a report can be written to: not a file, new or empty unless {@code force},
     * created if missing and writable ({@link OptionChecks#writableFolder}).
     *
     * @throws ParameterException saying what is wrong and why
     */
    static void reportFolder(CommandSpec spec, String option, Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), option + " " + dir + " is a file, not a folder");
        }
        if (!force && Files.isDirectory(dir) && !isEmpty(spec, dir)) {
            throw new ParameterException(spec.commandLine(), option + " " + dir + " exists and is not empty; choose"
                    + " another folder, or add --force to replace the report in it");
        }
        OptionChecks.writableFolder(spec, option, dir);
    }

    /**
     * Makes sure {@code file} can be written: not a folder, not existing unless {@code force}, in an existing
     * folder where a file can be created.
     *
     * @throws ParameterException saying what is wrong and why
     */
    static void newFile(CommandSpec spec, String option, Path file, boolean force) {
        if (Files.isDirectory(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + " is a folder, not a file");
        }
        if (!force && Files.exists(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + " exists; choose another file, or"
                    + " add --force to replace it");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": folder " + parent
                    + " does not exist");
        }
        OptionChecks.writableFolder(spec, option, parent);
    }

    private static boolean isEmpty(CommandSpec spec, Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read folder " + dir + ": "
                    + OptionChecks.reason(e));
        }
    }
}
