package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned 2-D TV denoising on small anisotropic cartoon images: the folded methods learn per-direction weights that
 * beat the grid-searched single weight on the test MSE by a wide margin, and agree with each other; user images are
 * cut into tiles; bad settings and unreadable images are named.
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

    private static Map<String, MethodResult> run(ExperimentConfig config) {
        ExperimentResult result = new Denoising2dExperiment().run(config, (method, record, done, total) -> {});
        assertEquals("mse", result.metricName());
        assertTrue(result.lowerIsBetter());
        assertEquals(METHODS, result.methods().stream().map(MethodResult::method).toList());
        return SmallRun.byName(result);
    }

    @Test
    void foldedMethodsLearnPerDirectionWeightsThatBeatTheGridSearchedWeight() {
        Map<String, MethodResult> m = run(config(3, Map.of("pixels", 24, "count", 9)));
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
        assertEquals(m.get("folded-pdhg").finalTestMetric(), m.get("folded-dpg").finalTestMetric(),
                1e-3 * m.get("folded-dpg").finalTestMetric(),
                "folded PDHG and folded DPG compute the same gradient, so they train alike");
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
