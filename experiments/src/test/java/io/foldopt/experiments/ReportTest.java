package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.report.Provenance;
import io.foldopt.experiments.report.Report;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Kernels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report folder of a run: files exist, parse, and hold the run's numbers. */
class ReportTest {
    @TempDir
    Path dir;

    private static final Provenance PROVENANCE = new Provenance("0.1.0-test", "0123abc", "Some JVM 17", "Linux 6 amd64",
            3, Instant.parse("2026-01-02T03:04:05Z"), List.of("foldopt", "run", "demo", "--set", "x=a b"));

    private static ExperimentResult result() {
        ExperimentConfig config = new ExperimentConfig(Size.SMALL, 2, 8, 0.01, BatchedLinearSolver.GMRES, 1e-10, 3)
                .withSettings(Map.of("deg", 4));
        List<EpochRecord> folded = List.of(new EpochRecord(1, 0.5, 0.30, 1.0, 1.5, 0.2, 0.3, 40, 12.5, 3e-11, 0),
                new EpochRecord(2, 0.4, 0.20, 1.2, 1.9, 0.25, 0.35, 40, 11.0, 5e-11, 1));
        List<EpochRecord> twoStage = List.of(new EpochRecord(1, 0.9, 0.50, 0.1, 0.15, 0, 0, 0, 0, 0, 0),
                new EpochRecord(2, 0.8, 0.45, 0.1, 0.25, 0, 0, 0, 0, 0, 0));
        return new ExperimentResult("demo", config, "regret", true,
                List.of(new MethodResult("folded", 0.6, 0.20, folded), new MethodResult("two-stage", 0.6, 0.45,
                        twoStage)));
    }

    @Test
    void writesConfigMetricsSummaryAndCharts() throws IOException {
        Report.write(result(), PROVENANCE, dir);
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(dir.resolve("config.json").toFile());
        assertEquals("demo", config.get("experiment").asText());
        assertEquals("gmres", config.get("backward").asText());
        assertEquals(4, config.get("deg").asInt());
        assertEquals("0.1.0-test", config.get("foldopt_version").asText());
        assertEquals("0123abc", config.get("git_commit").asText());
        assertEquals("2026-01-02T03:04:05Z", config.get("start").asText());
        assertEquals(3, config.get("threads").asInt());
        assertEquals("foldopt run demo --set 'x=a b'", config.get("command").asText());
        for (String key : List.of("jvm", "os")) {
            assertTrue(config.get(key).asText().length() > 3, key);
        }
        assertEquals(Kernels.backend().description(), config.get("dense_kernels").asText());
        assertTrue(config.get("dense_kernels").asText().startsWith(Kernels.backendName()));
        JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
        JsonNode folded = summary.get("methods").get(0);
        assertEquals("folded", folded.get("method").asText());
        assertEquals(0.20, folded.get("final_regret").asDouble());
        assertEquals(1.1, folded.get("mean_epoch_seconds").asDouble(), 1e-12);
        assertEquals(1.7, folded.get("mean_epoch_cpu_seconds").asDouble(), 1e-12);
        assertEquals(11.75, folded.get("mean_backward_iterations").asDouble(), 1e-12);
        assertEquals(1, folded.get("backward_failures").asInt());
        JsonNode twoStage = summary.get("methods").get(1);
        for (String key : List.of("mean_forward_seconds", "mean_backward_iterations", "backward_failures")) {
            assertTrue(twoStage.get(key).isNull(), key + " of a method without a layer");
        }
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(String.join(",", Report.CSV_COLUMNS), csv.get(0));
        assertEquals(5, csv.size());
        assertTrue(csv.get(2).startsWith("folded,2,0.4"), csv.get(2));
        assertEquals("1.900000", csv.get(2).split(",")[Report.CSV_COLUMNS.indexOf("epoch_cpu_seconds")]);
        for (String png : List.of("learning_curves.png", "metric_by_method.png", "time_per_epoch.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() > 100 && image.getHeight() > 100);
        }
    }

    @Test
    void tableHasOneRowPerMethodAndNaWhereAMethodHasNoFoldedBackward() {
        String table = Report.table(result());
        assertEquals(4, table.lines().count());
        assertTrue(table.startsWith("demo: test regret (lower is better)"), table);
        List<String> rows = table.lines().skip(2).toList();
        assertTrue(rows.get(0).startsWith("folded") && !rows.get(0).contains("n/a"), rows.get(0));
        assertEquals(List.of("two-stage", "0.60000", "0.45000", "0.100", "0.200", "n/a", "n/a", "n/a", "n/a", "n/a"),
                List.of(rows.get(1).trim().split(" +")));
        String legend = Report.legend(result());
        for (String column : table.lines().skip(1).findFirst().orElseThrow().trim().split(" +")) {
            assertTrue(column.equals("method") || legend.contains(column), column + " not in the legend\n" + legend);
        }
        assertTrue(legend.contains("test regret before and after training"), legend);
    }
}
