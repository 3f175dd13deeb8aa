package io.foldopt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.cli.sensitivity.Sensitivity;
import io.foldopt.cli.sensitivity.Sensitivity.Result;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foldopt sensitivity}: solves a problem file and prints the VJP or Jacobian of its solution. */
@Command(name = "sensitivity", sortOptions = false,
        description = {
            "Solves the problem in PROBLEM.json and prints its solution x*, the status, the gradient of"
                    + " <g, x*> for the cotangent g of --cotangent with respect to every parameter (or, with"
                    + " --jacobian or without a cotangent, the full Jacobian dx*/dparam), and the backward report.",
            "Families: {\"family\": \"qp\", \"P\", \"q\", \"A\", \"b\", \"G\", \"h\"} (A, b, G, h optional),"
                    + " {\"family\": \"topk\", \"c\", \"k\", \"eps\", \"entropy\": \"binary\" | \"shannon\"},"
                    + " {\"family\": \"box-nonconvex-qp\", \"Q\", \"c\", \"lower\", \"upper\"}."})
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROBLEM.json", description = "The problem file.")
    Path problem;

    @Option(names = "--cotangent", paramLabel = "G.json", description = "Cotangent file {\"x\": [..]}.")
    Path cotangent;

    @Option(names = "--jacobian", description = "Print the full Jacobian of x* with respect to every parameter.")
    boolean jacobian;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        Result result = Sensitivity.run(problem, jacobian ? null : cotangent);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().writeValueAsString(result.toMap()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            out.print(result.toText());
        }
        out.flush();
        return 0;
    }
}
