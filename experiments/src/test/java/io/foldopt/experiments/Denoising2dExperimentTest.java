package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.experiments.Denoising2dExperiment.Kind;
import io.foldopt.experiments.denoising2d.FilterBank;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned 2-D TV denoising with learned filters: the layer's gradient with respect to the filters and weights against
 * central finite differences, folded DPG and unrolling to convergence on a tiny image; on small anisotropic cartoon
 * images the folded methods beat the grid-searched weight on the test MSE by a wide margin; the report's images; a
 * given weight; user images cut into tiles; bad settings and unreadable images named.
 */
class Denoising2dExperimentTest {
    private static final List<String> METHODS = List.of("folded-pdhg", "folded-dpg", "unrolled-pdhg", "two-stage");

    @TempDir
    Path dir;

    private static ExperimentConfig config(int epochs, Map<String, Object> settings) {
        Denoising2dExperiment e = new Denoising2dExperiment();
        ExperimentConfig d = e.defaults(ExperimentConfig.Size.SMALL);
        Map<String, Object> s = new LinkedHashMap<>(d.settings());
        s.putAll(settings);
        return new ExperimentConfig(d.size(), epochs, d.batch(), d.learningRate(), d.backward(), d.tolerance(),
                d.seed(), s);
    }

    private static Map<String, MethodResult> run(ExperimentConfig config, List<String> methods) {
        ExperimentResult result = new Denoising2dExperiment().run(config, (method, record, done, total) -> {});
        assertEquals("mse", result.metricName());
        assertTrue(result.lowerIsBetter());
        assertEquals(methods, result.methods().stream().map(MethodResult::method).toList());
        return SmallRun.byName(result);
    }

    private static final int TINY = 5;

    /** @return the tiny-image layer at raw filters {@code v[0]} and log-weights {@code v[1]} */
    private static Var tinyLayer(Tensor y, Var[] v, Kind kind, int steps) {
        FoldOptions options = FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-12)
                .withMaxIterations(20_000);
        return Denoising2dExperiment.layer(Var.constant(y), TINY, v[0], v[1].exp(), kind, options, steps, 1e-13,
                new FoldedLayer[1]);
    }

    @Test
    void layerGradientInTheFiltersAndWeightsMatchesFiniteDifferencesDpgAndUnrolling() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor y = Tensor.randn(rng, 1, TINY * TINY).map(v -> 0.5 + 0.3 * v);
        Tensor raw = FilterBank.differences().map(v -> v + 0.3 * rng.nextGaussian());
        Tensor theta = Tensor.randn(rng, 4).map(v -> Math.log(0.05) + 0.3 * v);
        GradientCheck.Result fd = GradientCheck.check(v -> tinyLayer(y, v, Kind.FOLDED_PDHG, 0),
                new Tensor[] {raw, theta}, 2, 1e-5, 4);
        assertTrue(fd.passes(1e-5), "folded PDHG vs central differences: " + fd.worstRelativeError());

        Tensor cotangent = Tensor.randn(rng, 1, TINY * TINY);
        Tensor[] folded = gradient(y, raw, theta, cotangent, Kind.FOLDED_PDHG, 0);
        for (Kind other : List.of(Kind.FOLDED_DPG, Kind.UNROLLED_PDHG)) {
            Tensor[] g = gradient(y, raw, theta, cotangent, other, 3000);
            for (int i = 0; i < 2; i++) {
                double scale = Math.max(1e-12, maxAbs(folded[i]));
                for (int j = 0; j < g[i].size(); j++) {
                    assertEquals(folded[i].data()[j], g[i].data()[j], 1e-6 * scale, other + ", parameter " + i
                            + ", entry " + j);
                }
            }
        }
    }

    /** @return the gradients of {@code <c, x*>} with respect to the raw filters and the log-weights */
    private static Tensor[] gradient(Tensor y, Tensor raw, Tensor theta, Tensor c, Kind kind, int steps) {
        Var[] v = {Var.param(raw), Var.param(theta)};
        return Autodiff.grad(tinyLayer(y, v, kind, steps).mul(Var.constant(c)).sum(), v);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void foldedMethodsLearnFiltersThatBeatTheGridSearchedWeightAndTheReportShowsThem() throws IOException {
        Denoising2dExperiment e = new Denoising2dExperiment();
        ExperimentConfig c = config(3, Map.of("pixels", 20, "count", 6));
        assertEquals(1e-6, c.tolerance(), "the experiment's backward tolerance");
        ExperimentResult result = e.run(c, (method, record, done, total) -> {});
        assertEquals(METHODS, result.methods().stream().map(MethodResult::method).toList());
        Map<String, MethodResult> m = SmallRun.byName(result);
        MethodResult twoStage = m.get("two-stage");
        assertEquals(twoStage.initialTestMetric(), twoStage.finalTestMetric(), "two-stage learns nothing");
        for (String folded : List.of("folded-pdhg", "folded-dpg")) {
            MethodResult r = m.get(folded);
            assertEquals(twoStage.finalTestMetric(), r.initialTestMetric(), 1e-3 * twoStage.finalTestMetric(),
                    folded + " starts at the two-stage weight");
            assertTrue(r.finalTestMetric() < 0.8 * twoStage.finalTestMetric(),
                    folded + ": test MSE " + r.finalTestMetric() + " vs two-stage " + twoStage.finalTestMetric());
            assertEquals(0, r.backwardFailures(), folded + " had unconverged backward solves");
        }

        e.writeCharts(result, dir);
        for (String name : List.of("noisy", "clean", "folded-pdhg", "folded-dpg", "unrolled-pdhg", "two-stage")) {
            BufferedImage img = ImageIO.read(dir.resolve("test_image_" + name + ".png").toFile());
            assertEquals(20, img.getWidth(), name);
            assertEquals(20, img.getHeight(), name);
        }
        BufferedImage triple = ImageIO.read(dir.resolve("test_image_triple.png").toFile());
        assertEquals(3 * 20 * 13 + 2 * 16, triple.getWidth(), "three images enlarged 13 times, two gaps");
        BufferedImage filters = ImageIO.read(dir.resolve("filters.png").toFile());
        assertTrue(filters.getWidth() > 4 * 72 && filters.getHeight() > 4 * 72, "a row of 4 filters per bank");
    }

    @Test
    void aGivenWeightReplacesTheGridSearch() {
        Map<String, MethodResult> m = run(config(1, Map.of("pixels", 16, "count", 3, "weight", 0.03,
                "methods", "folded-pdhg,two-stage")), List.of("folded-pdhg", "two-stage"));
        assertEquals(m.get("two-stage").finalTestMetric(), m.get("folded-pdhg").initialTestMetric(),
                1e-3 * m.get("two-stage").finalTestMetric(), "folded PDHG starts at the given weight");
        assertEquals(0.03, Denoising2dExperiment.WEIGHT.parse(" 0.03"));
        assertEquals("grid", Denoising2dExperiment.WEIGHT.parse("grid"));
        for (String bad : List.of("0", "-1", "nan", "fast")) {
            assertEquals("weight must be 'grid' or a positive number, got '" + bad + "'", assertThrows(
                    IllegalArgumentException.class, () -> Denoising2dExperiment.WEIGHT.parse(bad)).getMessage());
        }
    }

    @Test
    void userImagesAreCutIntoTiles() throws IOException {
        BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < 32; r++) {
            for (int c = 0; c < 48; c++) {
                img.getRaster().setSample(c, r, 0, r < 12 ? 40 : r < 20 ? 200 : 120);
            }
        }
        Path png = dir.resolve("bands.png");
        ImageIO.write(img, "png", png.toFile());
        ExperimentResult r = new Denoising2dExperiment().run(config(1, Map.of("pixels", 16, "images",
                png.toString(), "methods", "two-stage")), (method, record, done, total) -> {});
        assertEquals(List.of("two-stage"), r.methods().stream().map(MethodResult::method).toList());
        assertTrue(r.methods().get(0).finalTestMetric() < 0.01 * 0.5, "TV removes a good part of the noise");
    }

    @Test
    void badSettingsAndUnreadableImagesAreNamedInOneLine() throws IOException {
        Denoising2dExperiment e = new Denoising2dExperiment();
        IllegalArgumentException side = assertThrows(IllegalArgumentException.class,
                () -> e.setup(config(1, Map.of("pixels", 5000))));
        assertEquals("pixels must be an integer in [8, 4096], got 5000", side.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Denoising2dExperiment.PIXELS.parse("7"));
        assertThrows(IllegalArgumentException.class, () -> Denoising2dExperiment.IMAGES.parse(" "));
        assertEquals("folded-pdhg,two-stage", Denoising2dExperiment.METHODS_SETTING.parse("two-stage, folded-pdhg"));
        assertEquals("methods: unknown method 'folded'; the methods: all or folded-pdhg, folded-dpg, unrolled-pdhg,"
                + " two-stage", assertThrows(IllegalArgumentException.class,
                        () -> Denoising2dExperiment.METHODS_SETTING.parse("folded")).getMessage());

        Path broken = dir.resolve("a.png");
        Files.writeString(broken, "not an image");
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> e.setup(config(1, Map.of("pixels", 16, "images", broken.toString()))));
        assertEquals("cannot read the image " + broken + ": not a PNG, JPEG, GIF, BMP or PGM image",
                unreadable.getMessage());

        BufferedImage small = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        Path one = dir.resolve("one.png");
        ImageIO.write(small, "png", one.toFile());
        IllegalArgumentException tiles = assertThrows(IllegalArgumentException.class,
                () -> e.setup(config(1, Map.of("pixels", 16, "images", one.toString()))));
        assertTrue(tiles.getMessage().startsWith("denoising-2d: " + one + " gives 1 tile of 16 x 16 pixels; at least"
                + " 2 are needed"), tiles.getMessage());
        for (IllegalArgumentException ex : List.of(side, unreadable, tiles)) {
            assertTrue(!ex.getMessage().contains("\n"), ex.getMessage());
        }
    }
}
