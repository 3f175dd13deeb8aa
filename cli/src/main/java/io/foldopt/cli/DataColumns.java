package io.foldopt.cli;

import io.foldopt.nn.data.Csv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of the column options of {@code train} and {@code predict} against a CSV file's header, before any work:
 * each failure is a usage error naming the option, the column and the file, with the closest header names.
 */
final class DataColumns {
    private DataColumns() {}

    /** @return the header of {@code file}, or a usage error naming {@code option} if it cannot be read */
    static List<String> header(CommandSpec spec, String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": "
                    + (Files.isDirectory(file) ? "is a folder, not a CSV file" : "no such file"));
        }
        return Csv.header(file);
    }

    /**
     * @param names column names, where {@code NAME*} stands for every header column starting with {@code NAME}
     * @param role what a column is, e.g. "feature"
     * @return the names with patterns expanded (in header order), each in the header exactly once
     */
    static List<String> select(CommandSpec spec, String option, String role, List<String> names, List<String> header,
            Path file) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (name.endsWith("*")) {
                String prefix = name.substring(0, name.length() - 1);
                List<String> matched = header.stream().filter(h -> h.startsWith(prefix)).toList();
                if (matched.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), option + ": no column of " + file
                            + " starts with '" + prefix + "'");
                }
                out.addAll(matched);
            } else {
                out.add(name.strip());
            }
        }
        present(spec, option, out, role, header, file);
        Set<String> seen = new LinkedHashSet<>();
        for (String name : out) {
            if (!seen.add(name)) {
                throw new ParameterException(spec.commandLine(), option + ": " + role + " " + name
                        + " is given twice");
            }
        }
        return out;
    }

    /** Requires every name to be a column of {@code file}, suggesting the closest ones otherwise. */
    static void present(CommandSpec spec, String option, List<String> names, String role, List<String> header,
            Path file) {
        for (String name : names) {
            if (!header.contains(name)) {
                throw new ParameterException(spec.commandLine(), option + ": " + role + " " + name
                        + " is not in the header of " + file + Suggestions.didYouMean(name, header));
            }
        }
    }

    /** Requires that no column is both a feature and a cost. */
    static void disjoint(CommandSpec spec, List<String> features, List<String> costs) {
        for (String f : features) {
            if (costs.contains(f)) {
                throw new ParameterException(spec.commandLine(), "column " + f + " is both a feature (--features) and"
                        + " a cost (--costs)");
            }
        }
    }
}
