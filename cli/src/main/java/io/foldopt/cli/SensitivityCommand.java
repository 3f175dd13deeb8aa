package io.foldopt.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.cli.sensitivity.Sensitivity;
import io.foldopt.cli.sensitivity.Sensitivity.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foldopt sensitivity}: solves a problem file and prints the VJP or Jacobian of its solution. */
@Command(name = "sensitivity", sortOptions = false,
        description = {
            "Solves the problem in PROBLEM.json and prints its solution x*, the status, the gradient of"
                    + " <g, x*> for the cotangent g of --cotangent with respect to every parameter (or, without a"
                    + " cotangent, the full Jacobian dx*/dparam), and the backward report.",
            "Families (docs/problem-files.md gives the math and every key):"
                    + " {\"family\": \"qp\", \"P\", \"q\", \"A\", \"b\", \"G\", \"h\"} (A, b, G, h optional),"
                    + " {\"family\": \"topk\", \"c\", \"k\", \"eps\", \"entropy\": \"binary\" | \"shannon\"},"
                    + " {\"family\": \"box-nonconvex-qp\", \"Q\", \"c\", \"lower\", \"upper\"}."
                    + " Unknown or repeated keys, and content after the object, are errors."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the status is optimal", "1:an error in an input file (one line on stderr)",
            "2:an invalid command line", "3:optimal-inaccurate", "4:infeasible", "5:unbounded", "6:iteration-limit",
            "7:not-a-minimum", "8:diverged", "9:singular", "10:numerical-failure"})
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROBLEM.json", description = "The problem file.")
    Path problem;

    @Option(names = "--cotangent", paramLabel = "G.json", description = "Cotangent file {\"x\": [..]}, one entry"
            + " per entry of x*: print the gradient of <g, x*> instead of the Jacobian.")
    Path cotangent;

    @Option(names = "--jacobian", description = "Print the full Jacobian of x* with respect to every parameter"
            + " (the default without --cotangent).")
    boolean jacobian;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** @return the exit code of the computed status: 0 for optimal, 3 to 10 otherwise */
    @Override
    public Integer call() throws IOException {
        if (jacobian && cotangent != null) {
            throw new ParameterException(spec.commandLine(), "--jacobian and --cotangent exclude each other: give"
                    + " --cotangent G.json for one vector-Jacobian product, or neither for the Jacobian");
        }
        Result result = Sensitivity.run(problem, cotangent);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, result.toMap());
            out.println();
        } else {
            out.print(result.toText());
        }
        out.flush();
        return result.status().exitCode();
    }
}
