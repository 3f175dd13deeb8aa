package io.foldopt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** The outcome of running the tool in-process: exit code and captured stdout/stderr. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code foldopt args...} with captured output. */
    static CliRun of(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** @return the non-empty lines of stdout */
    List<String> outLines() {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** @return the non-empty lines of stderr */
    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }
}
