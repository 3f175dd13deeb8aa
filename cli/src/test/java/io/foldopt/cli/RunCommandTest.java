package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.Experiments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code foldopt list}, {@code foldopt run} end to end, and the checks {@code run} makes before any work. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void listShowsEveryExperimentWithItsDefaultsPerSize() {
        CliRun run = CliRun.of("list");
        assertEquals(0, run.exitCode(), run.err());
        for (Experiment e : Experiments.all()) {
            assertTrue(run.outLines().stream().anyMatch(l -> l.startsWith(e.name() + "  ")), e.name());
        }
        assertEquals(Experiments.all().size(), run.outLines().stream().filter(l -> l.startsWith("  small: ")).count());
        assertEquals(Experiments.all().size(), run.outLines().stream().filter(l -> l.startsWith("  paper: ")).count());
        assertTrue(run.out().contains("  small: --epochs 20 --batch 16 --lr 0.02 --backward lfpi --tol 1e-8 --set"
                + " deg=4"), run.out());
        assertTrue(run.out().contains("  --set deg=VALUE: polynomial degree"), run.out());
    }

    @Test
    void runHelpShowsTheExperimentsDefaultsPerSize() {
        for (String[] args : new String[][] {{"run", "portfolio", "--help"}, {"help", "run"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("--set=NAME=VALUE"), run.out());
            assertTrue(run.out().contains("  paper: --epochs 20 --batch 32 --lr 0.02 --backward lfpi --tol 1e-8"
                    + " --set deg=4"), run.out());
        }
        CliRun one = CliRun.of("run", "multilabel", "--help");
        assertTrue(one.out().contains("  small: --epochs 6 --batch 32 --lr 0.01 --backward gmres --tol 1e-10"),
                one.out());
        assertFalse(one.out().contains("deg=4"), "only multilabel's defaults: " + one.out());
        assertFalse(CliRun.of("help", "run").out().contains("portfolio  "), "no descriptions in run's help");
    }

    @Test
    void runTrainsPrintsTheTableWithItsLegendWritesACitableReportAndAModelThatEvalReproduces() throws IOException {
        Path out = dir.resolve("report");
        Path model = dir.resolve("model.json");
        CliRun run = CliRun.of("run", "portfolio", "--epochs", "1", "--set", "deg=2", "--out", out.toString(),
                "--save-model", model.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals("portfolio: test normalized_regret (lower is better)", lines.get(0));
        String twoStage = lines.stream().filter(l -> l.startsWith("two-stage ")).findFirst().orElseThrow();
        assertEquals(5, twoStage.split("n/a", -1).length - 1, "fwd_s .. failures are n/a: " + twoStage);
        assertFalse(lines.stream().filter(l -> l.startsWith("folded-sqp ")).findFirst().orElseThrow().contains("n/a"));
        assertTrue(run.out().contains("worst_res: largest relative residual of a folded backward solve"), run.out());
        assertTrue(run.errLines().stream().anyMatch(l -> l.startsWith("folded-sqp epoch 1:")), run.err());
        assertTrue(run.errLines().get(run.errLines().size() - 1).startsWith("report written to "), run.err());

        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(2, config.get("deg").asInt(), "--set deg=2 recorded");
        assertEquals(1, config.get("epochs").asInt());
        for (String key : List.of("foldopt_version", "git_commit", "jvm", "os", "threads", "start", "command")) {
            assertTrue(config.hasNonNull(key) && !config.get(key).asText().isBlank(), key + " in " + config);
        }
        assertEquals("foldopt run portfolio --epochs 1 --set deg=2 --out " + out + " --save-model " + model,
                config.get("command").asText());
        for (String file : new String[] {"metrics.csv", "summary.json", "learning_curves.png", "metric_by_method.png",
            "time_per_epoch.png"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        assertEquals(1 + 3, Files.readAllLines(out.resolve("metrics.csv")).size());

        // The saved models evaluate to the run's final metrics, on the data regenerated from the recorded settings.
        CliRun eval = CliRun.of("eval", "--model", model.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode metrics = new ObjectMapper().readTree(eval.out()).get("metrics");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(3, metrics.size());
        for (JsonNode m : summary.get("methods")) {
            assertEquals(m.get("final_normalized_regret").asDouble(), metrics.get(m.get("method").asText()).asDouble(),
                    1e-12, m.get("method").asText());
        }
        CliRun table = CliRun.of("eval", "--model", model.toString(), "--method", "two-stage");
        assertEquals(2, table.outLines().size(), table.out());
        assertTrue(table.outLines().get(0).startsWith("portfolio (small, seed 0): test normalized_regret"), table.out());
        // An existing model file is not replaced without --force; nothing is trained.
        CliRun again = CliRun.of("run", "portfolio", "--out", dir.resolve("other").toString(), "--save-model",
                model.toString());
        assertEquals(List.of("foldopt run: --save-model " + model + " exists; choose another file, or add --force to"
                + " replace it; see 'foldopt run --help'"), again.errLines());
    }

    @Test
    void evalRefusesMissingAndMalformedModelFilesWithOneLineNamingThePlace() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertEquals(List.of("foldopt eval: --model " + missing + ": cannot read it: no such file or directory; see"
                + " 'foldopt eval --help'"), CliRun.of("eval", "--model", missing.toString()).errLines());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"format\": \"foldopt-model\", \"version\": 1,"
                + " \"metadata\": {}, \"models\": [{\"name\": \"m\", \"layer\": {\"type\": \"conv\"},"
                + " \"parameters\": []}]}");
        CliRun run = CliRun.of("eval", "--model", bad.toString());
        assertEquals(1, run.exitCode());
        assertEquals(List.of("foldopt eval: error: model file " + bad + ": models[0].layer.type: unknown layer type"
                + " \"conv\"; expected sequential, linear, relu, batchnorm1d, dropout or scale-shift"), run.errLines());
        Path noMeta = Files.writeString(dir.resolve("nometa.json"), "{\"format\": \"foldopt-model\", \"version\": 1,"
                + " \"metadata\": {}, \"models\": []}");
        assertEquals(List.of("foldopt eval: error: model file " + noMeta + ": metadata: missing key \"experiment\""
                + " (written by foldopt run --save-model)"), CliRun.of("eval", "--model", noMeta.toString()).errLines());
        Path truncated = Files.writeString(dir.resolve("truncated.json"), "{\"format\": \"foldopt-model\",\n"
                + " \"version\": 1,\n \"metadata\": {");
        assertEquals(List.of("foldopt eval: error: model file " + truncated + ": line 3, column 15: expected a key in"
                + " double quotes"), CliRun.of("eval", "--model", truncated.toString()).errLines());
    }

    @Test
    void denoising2dTakesTheImageSideAndNamesAnImageItCannotReadInOneLine() throws IOException {
        Path out = dir.resolve("d2");
        CliRun run = CliRun.of("run", "denoising-2d", "--set", "pixels=16", "--set", "count=3", "--epochs", "1",
                "--out", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("folded-pdhg", "folded-dpg", "unrolled-pdhg", "two-stage"), run.outLines().stream()
                .skip(2).map(l -> l.split(" ")[0]).toList(), run.out());
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(16, config.get("pixels").asInt());
        assertEquals("cartoon", config.get("images").asText());

        Path missing = dir.resolve("missing.pgm");
        CliRun bad = CliRun.of("run", "denoising-2d", "--set", "pixels=16", "--set", "images=" + missing,
                "--out", dir.resolve("d3").toString());
        assertEquals(1, bad.exitCode());
        assertEquals(List.of("foldopt run: error: cannot read the images " + missing + ": no such file or folder"),
                bad.errLines());
    }

    @Test
    void quietPrintsOnlyTheResultAndForceReplacesAnExistingReport() throws IOException {
        Files.writeString(dir.resolve("old.txt"), "an earlier report");
        CliRun run = CliRun.of("run", "multilabel", "--epochs", "1", "--out", dir.toString(), "--json", "--quiet",
                "--force");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals(1, run.outLines().size(), run.out());
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertEquals("multilabel", summary.get("experiment").asText());
        assertEquals(4, summary.get("methods").size());
        assertTrue(summary.get("methods").get(0).get("mean_backward_iterations").isNull(), "lml has no folded backward");
        assertTrue(Files.size(dir.resolve("config.json")) > 0);
    }

    @Test
    void anExistingNonEmptyOutNeedsForceAndNothingIsTrained() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        CliRun run = CliRun.of("run", "portfolio", "--out", dir.toString());
        assertEquals(2, run.exitCode());
        assertEquals(List.of("foldopt run: --out " + dir + " exists and is not empty; choose another folder, or add"
                + " --force to replace the report in it; see 'foldopt run --help'"), run.errLines());
        assertEquals("{}", Files.readString(dir.resolve("config.json")));
        assertEquals("", run.out());
    }

    @Test
    void anUnwritableOutFailsWithTheReasonBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        CliRun under = CliRun.of("run", "portfolio", "--out", file.resolve("report").toString());
        assertEquals(2, under.exitCode());
        assertEquals(List.of("foldopt run: --out " + file.resolve("report") + ": cannot write a report there: Not a"
                + " directory; see 'foldopt run --help'"), under.errLines(),
                "one line with the reason, no progress: nothing trained");
        CliRun onto = CliRun.of("run", "portfolio", "--out", file.toString());
        assertEquals(List.of("foldopt run: --out " + file + " is a file, not a folder; see 'foldopt run --help'"),
                onto.errLines());
    }

    @Test
    void misspelledNamesGetSuggestions() {
        assertEquals(List.of("foldopt run: unknown experiment 'portfolo' (did you mean portfolio?); 'foldopt list'"
                + " shows them; see 'foldopt run --help'"), CliRun.of("run", "portfolo").errLines());
        assertTrue(CliRun.of("run", "multilable").err().contains("(did you mean multilabel?)"));
        assertTrue(CliRun.of("run", "portfolio", "--set", "dge=2").err().contains("portfolio has no setting 'dge'"
                + " (did you mean deg?); its settings: deg"));
        assertTrue(CliRun.of("run", "portfolio", "--backward", "gmrse").err().contains("(did you mean gmres?)"));
    }

    @Test
    void badOptionsGiveOneLineAndExitTwoBeforeAnyWork() {
        String[][] cases = {
            {"run", "no-such-experiment"},
            {"run", "portfolio", "--size", "huge"},
            {"run", "portfolio", "--epochs", "0"},
            {"run", "portfolio", "--batch", "-3"},
            {"run", "portfolio", "--lr", "-1"},
            {"run", "portfolio", "--lr", "NaN"},
            {"run", "portfolio", "--tol", "1e300"},
            {"run", "portfolio", "--tol", "0"},
            {"run", "portfolio", "--backward", "newton"},
            {"run", "portfolio", "--batch", "abc"},
            {"run", "portfolio", "--threads", "0"},
            {"run", "portfolio", "--set", "deg=0"},
            {"run", "portfolio", "--set", "deg=four"},
            {"run", "portfolio", "--set", "deg"},
            {"run", "bilinear", "--set", "deg=2"},
            {"run"},
        };
        for (String[] args : cases) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.errLines().size(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().startsWith("foldopt run: "), run.err());
            assertEquals("", run.out());
        }
    }
}
