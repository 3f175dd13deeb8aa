package io.foldopt.experiments.report;

import io.foldopt.parallel.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a run's numbers come from, recorded in its {@code config.json}: the foldopt version and the git
 * commit it was built from ({@code unknown} when the build had no git; {@code -dirty} when the tree had
 * uncommitted changes), the JVM, the operating system, the worker threads, the start time and the command line.
 *
 * @param version the foldopt version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the git commit of the build
 * @param jvm the Java runtime: vendor, name and version
 * @param os the operating system: name, version and architecture
 * @param threads the worker threads of the parallel loops
 * @param start when the run started (UTC, to the second)
 * @param commandLine the command and its arguments as typed, e.g. {@code [foldopt, run, portfolio]}
 */
public record Provenance(String version, String commit, String jvm, String os, int threads, Instant start,
        List<String> commandLine) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    /** Copies the command line. */
    public Provenance {
        commandLine = List.copyOf(commandLine);
    }

    /**
     * What the build recorded.
     *
     * @param version the foldopt version
     * @param commit the git commit of the sources ({@code unknown} without git)
     */
    public record Build(String version, String commit) {}

    /** @return the version and commit this foldopt was built from */
    public static Build build() {
        Properties build = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Build(known(build.getProperty("version")), known(build.getProperty("commit")));
    }

    /** @return the provenance of a run starting now in this JVM, with the build's version and commit */
    public static Provenance now(List<String> commandLine) {
        Build build = build();
        return new Provenance(build.version(), build.commit(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Parallel.threads(), Instant.now().truncatedTo(ChronoUnit.SECONDS), commandLine);
    }

    /** @return {@code value}, or {@code unknown} if the build left it empty or unfiltered */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value.trim();
    }

    /** @return the command line as one shell line, arguments with special characters in single quotes */
    public String commandLineText() {
        StringBuilder sb = new StringBuilder();
        for (String a : commandLine) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** @return the entries of {@code config.json}: foldopt_version, git_commit, jvm, os, threads, start, command */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("foldopt_version", version);
        m.put("git_commit", commit);
        m.put("jvm", jvm);
        m.put("os", os);
        m.put("threads", threads);
        m.put("start", start.toString());
        m.put("command", commandLineText());
        return m;
    }
}
