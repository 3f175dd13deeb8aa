package io.foldopt.cli;

import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.Experiments;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code foldopt list}: the experiments, one line each. */
@Command(name = "list", description = "Lists the experiments that 'foldopt run' takes, one line each.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int width = Experiments.all().stream().mapToInt(e -> e.name().length()).max().orElse(0);
        for (Experiment e : Experiments.all()) {
            out.printf("%-" + width + "s  %s%n", e.name(), e.description());
        }
        out.flush();
        return 0;
    }
}
