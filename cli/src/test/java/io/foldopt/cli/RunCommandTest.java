package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.Experiments;
import org.junit.jupiter.api.Test;

/** {@code foldopt list} and the errors of {@code foldopt run}. */
class RunCommandTest {
    @Test
    void listShowsEveryExperimentOnOneLine() {
        CliRun run = CliRun.of("list");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(Experiments.all().size(), run.outLines().size());
        for (Experiment e : Experiments.all()) {
            assertTrue(run.out().contains(e.name() + " "), e.name());
        }
    }

    @Test
    void unknownExperimentAndBadOptionsGiveOneLineAndNonZeroExit() {
        String[][] cases = {
            {"run", "no-such-experiment"},
            {"run", first(), "--size", "huge"},
            {"run", first(), "--epochs", "0"},
            {"run", first(), "--lr", "-1"},
            {"run", first(), "--backward", "newton"},
            {"run", first(), "--batch", "abc"},
            {"run", first(), "--threads", "0"},
            {"run"},
        };
        for (String[] args : cases) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.errLines().size(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().startsWith("foldopt run: "), run.err());
        }
    }

    private static String first() {
        return Experiments.all().isEmpty() ? "no-such-experiment" : Experiments.all().get(0).name();
    }
}
