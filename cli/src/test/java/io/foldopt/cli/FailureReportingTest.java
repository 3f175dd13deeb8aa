package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Any failure of a command, Errors included, is one line and a non-zero exit; --verbose adds the trace. */
class FailureReportingTest {

    /** A command that throws what it is given. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        private final Supplier<Throwable> failure;

        Fail(Supplier<Throwable> failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            Throwable t = failure.get();
            if (t instanceof Error e) {
                throw e;
            }
            throw (Exception) t;
        }
    }

    private static CliRun run(Supplier<Throwable> failure, boolean verboseByEnvironment, String... args) {
        CommandLine cmd = new CommandLine(new Main()).addSubcommand(new Fail(failure));
        Main.configure(cmd, verboseByEnvironment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return new CliRun(cmd.execute(args), out.toString(), err.toString());
    }

    private static void assertOneLine(CliRun run, String expected) {
        assertEquals(1, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("foldopt fail: "), run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void outOfMemoryIsOneLineWithTheHeapSize() {
        assertOneLine(run(() -> new OutOfMemoryError("Java heap space"), false, "fail"),
                "error: out of memory (Java heap space) with a Java heap of at most ");
    }

    @Test
    void otherErrorsAndUnexpectedExceptionsAreInternalErrors() {
        assertOneLine(run(() -> new StackOverflowError(), false, "fail"), "error: stack overflow");
        assertOneLine(run(() -> new AssertionError("broken invariant"), false, "fail"),
                "internal error: java.lang.AssertionError: broken invariant; rerun with --verbose");
        assertOneLine(run(() -> new NullPointerException(), false, "fail"),
                "internal error: java.lang.NullPointerException; rerun with --verbose");
        assertOneLine(run(() -> new ArrayIndexOutOfBoundsException("Index 5 out of bounds for length 3"), false,
                "fail"), "internal error: java.lang.ArrayIndexOutOfBoundsException: Index 5");
    }

    @Test
    void expectedFailuresSayOnlyTheirMessage() {
        assertOneLine(run(() -> new IllegalArgumentException("p.json: key \"q\" is missing"), false, "fail"),
                "foldopt fail: error: p.json: key \"q\" is missing");
        assertOneLine(run(() -> new IllegalStateException("two\nlines"), false, "fail"), "error: two lines");
    }

    @Test
    void verboseOptionOrEnvironmentPrintsTheTrace() {
        for (CliRun r : new CliRun[] {run(() -> new OutOfMemoryError("Java heap space"), false, "fail", "--verbose"),
            run(() -> new OutOfMemoryError("Java heap space"), false, "--verbose", "fail"),
            run(() -> new OutOfMemoryError("Java heap space"), true, "fail")}) {
            assertEquals(1, r.exitCode());
            assertTrue(r.errLines().get(0).startsWith("foldopt fail: error: out of memory"), r.err());
            assertTrue(r.err().contains("\tat "), r.err());
        }
    }

    /** A real OutOfMemoryError in a real process: a QP whose solve does not fit a 40 MB heap. */
    @Test
    void outOfMemoryInTheRealToolIsOneLine(@TempDir Path dir) throws IOException, InterruptedException {
        int n = 900;
        StringBuilder p = new StringBuilder("{\"family\": \"qp\", \"P\": [");
        for (int i = 0; i < n; i++) {
            p.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < n; j++) {
                p.append(j == 0 ? "" : ", ").append(i == j ? "1.0" : "0.0");
            }
            p.append(']');
        }
        p.append("], \"q\": [").append("1.0, ".repeat(n - 1)).append("1.0]}");
        Path problem = Files.writeString(dir.resolve("big-qp.json"), p);
        Path cotangent = Files.writeString(dir.resolve("g.json"), "{\"x\": [" + "1.0, ".repeat(n - 1) + "1.0]}");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx40m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sensitivity",
                problem.toString(), "--cotangent", cotangent.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.waitFor(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("foldopt sensitivity: error: out of memory (Java heap space) with a Java heap of"
                + " at most "), err);
    }
}
