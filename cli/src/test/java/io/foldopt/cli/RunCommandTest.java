package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.Experiments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void runTrainsPrintsTheSummaryAndWritesTheReport(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of("run", "multilabel", "--epochs", "2", "--out", dir.toString(), "--json", "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertEquals("multilabel", summary.get("experiment").asText());
        assertEquals(4, summary.get("methods").size());
        assertEquals(2, summary.get("config").get("epochs").asInt());
        assertTrue(run.errLines().stream().anyMatch(l -> l.startsWith("lml epoch 2:")), run.err());
        assertTrue(run.errLines().get(run.errLines().size() - 1).startsWith("report written to "), run.err());
        for (String file : new String[] {"config.json", "metrics.csv", "summary.json", "learning_curves.png",
            "metric_by_method.png", "time_per_epoch.png"}) {
            assertTrue(Files.size(dir.resolve(file)) > 0, file);
        }
        assertEquals(1 + 4 * 2, Files.readAllLines(dir.resolve("metrics.csv")).size());
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
