package io.foldopt.cli;

import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.Experiments;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code foldopt list}: the experiments, each with its defaults per size and its settings. */
@Command(name = "list", description = "Lists the experiments that 'foldopt run' takes: each one's name and what it"
        + " does, then its defaults per size (as the options that set them) and its settings.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Experiment e : Experiments.all()) {
            out.println(e.name() + "  " + e.description());
            out.print(ExperimentHelp.defaults(e));
        }
        out.flush();
        return 0;
    }
}
