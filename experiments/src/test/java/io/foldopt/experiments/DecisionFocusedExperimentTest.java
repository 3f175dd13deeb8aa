package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.dfl.KnapsackData;
import io.foldopt.experiments.dfl.ShortestPathData;
import io.foldopt.experiments.portfolio.PortfolioData;
import io.foldopt.linalg.DenseLU;
import io.foldopt.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyEPO-style benchmarks: the generators' formulas (shortest path, knapsack, portfolio), the sweep's report, and the shortest-path result. */
class DecisionFocusedExperimentTest {

    private static ExperimentConfig config(Experiment e, int epochs, Map<String, String> set) {
        ExperimentConfig d = e.defaults(Size.SMALL);
        Map<String, Object> settings = new LinkedHashMap<>(d.settings());
        for (Map.Entry<String, String> s : set.entrySet()) {
            Setting setting = e.settings().stream().filter(x -> x.name().equals(s.getKey())).findFirst().orElseThrow();
            settings.put(s.getKey(), setting.parse(s.getValue()));
        }
        return new ExperimentConfig(Size.SMALL, epochs, d.batch(), d.learningRate(), d.backward(), d.tolerance(), 0,
                settings);
    }

    private static double regret(ExperimentResult r, String method) {
        return r.methods().stream().filter(m -> m.method().equals(method)).findFirst().orElseThrow()
                .finalTestMetric();
    }

    @Test
    void spoPlusAndFenchelYoungBeatTwoStageAtHighDegreeAndTwoStageIsCompetitiveAtDegreeOne() {
        Experiment e = new ShortestPathExperiment();
        // The README's setting (1000 training samples, 5 features, noise 0.5, 10 epochs) for three methods.
        ExperimentResult r = e.run(config(e, 10, Map.of("deg", "1,4,6", "noise", "0.5", "methods",
                "two-stage,spo+,pfyl", "train", "1000", "test", "500")), (m, rec, done, total) -> {});
        // Seeds 0 and 1 end 12-18% (deg 4) and 40-45% (deg 6) below two-stage.
        for (int deg : new int[] {4, 6}) {
            double twoStage = regret(r, "two-stage deg=" + deg + " noise=0.5");
            for (String m : List.of("spo+", "pfyl")) {
                double v = regret(r, m + " deg=" + deg + " noise=0.5");
                assertTrue(v < (deg == 4 ? 0.95 : 0.8) * twoStage, m + " at deg " + deg + ": " + v + " vs two-stage "
                        + twoStage);
            }
        }
        double twoStage = regret(r, "two-stage deg=1 noise=0.5");
        double best = Math.min(regret(r, "spo+ deg=1 noise=0.5"), regret(r, "pfyl deg=1 noise=0.5"));
        assertTrue(twoStage < 1.1 * best, "two-stage at deg 1: " + twoStage + " vs " + best);
    }

    @Test
    void sweepReportsEveryMethodAndSettingAndDrawsRegretByDegree(@TempDir Path dir) throws Exception {
        Experiment e = new ShortestPathExperiment();
        Map<String, String> set = Map.of("deg", "1,2", "noise", "0.5", "train", "16", "test", "16");
        ExperimentResult r = e.run(config(e, 1, set), (m, rec, done, total) -> {});
        assertEquals(8 * 2, r.methods().size());
        assertEquals("spo+ deg=2 noise=0.5", r.methods().get(9).method());
        for (MethodResult m : r.methods()) {
            assertTrue(Double.isFinite(m.finalTestMetric()) && m.finalTestMetric() >= 0, m.method());
        }
        String summary = e.summary(r);
        assertTrue(summary.contains("noise half-width 0.5") && summary.contains("folded"), summary);
        e.writeCharts(r, dir);
        assertTrue(Files.size(dir.resolve("regret_vs_degree_noise-0.5.png")) > 1000);
        assertEquals(16, e.setup(config(e, 1, set)).methods().size());
    }

    @Test
    void knapsackTrainsEveryLossAndSpoPlusLowersTheRegret() {
        Experiment e = new KnapsackExperiment();
        ExperimentResult r = e.run(config(e, 1, Map.of("deg", "2", "noise", "0.5", "train", "32", "test", "32")),
                (m, rec, done, total) -> {});
        assertEquals(List.of("two-stage", "spo+", "pfyl", "dbb", "dpo", "nce", "cmap", "folded"), r.methods().stream()
                .map(m -> m.method().split(" ")[0]).toList());
        for (MethodResult m : r.methods()) {
            assertTrue(m.finalTestMetric() >= 0 && m.finalTestMetric() < 1, m.method() + " " + m.finalTestMetric());
        }
        MethodResult spo = e.run(config(e, 3, Map.of("deg", "2", "noise", "0.5", "methods", "spo+", "train", "200",
                "test", "100")), (m, rec, done, total) -> {}).methods().get(0);
        assertTrue(spo.finalTestMetric() < 0.9 * spo.initialTestMetric(), "spo+ did not learn: "
                + spo.initialTestMetric() + " -> " + spo.finalTestMetric());
    }

    @Test
    void badSettingsNameTheSetting() {
        Experiment e = new KnapsackExperiment();
        Setting methods = e.settings().stream().filter(s -> s.name().equals("methods")).findFirst().orElseThrow();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> methods.parse("spo+,spo"));
        assertTrue(x.getMessage().startsWith("methods: 'spo'"), x.getMessage());
        Setting deg = e.settings().get(0);
        assertThrows(IllegalArgumentException.class, () -> deg.parse("1,0"));
        assertThrows(IllegalArgumentException.class, () -> deg.parse("2,2"));
    }

    @Test
    void shortestPathCostsFollowPyEposFormula() {
        // deg 1, no noise: c = ((B x) / sqrt(p) + 3 + 1) / 3.5, so 3.5 c - 4 = (B x) / sqrt(5) with B in {0, 1}.
        ShortestPathData d = ShortestPathData.generate(50, 5, 5, 5, 1, 0, 9);
        assertEquals(40, d.costs().dim(1));
        DenseLU lu = DenseLU.factor(java.util.Arrays.copyOf(d.features().data(), 25), 5);
        for (int j = 0; j < 40; j++) {
            double[] rhs = new double[5];
            for (int s = 0; s < 5; s++) {
                rhs[s] = (3.5 * d.costs().get(s, j) - 4) * Math.sqrt(5);
            }
            double[] b = lu.solve(rhs);
            for (double v : b) {
                assertTrue(Math.abs(v) < 1e-9 || Math.abs(v - 1) < 1e-9, "B entry " + v);
            }
            for (int s = 5; s < 50; s++) {
                double pred = 0;
                for (int k = 0; k < 5; k++) {
                    pred += b[k] * d.features().get(s, k);
                }
                assertEquals((pred / Math.sqrt(5) + 4) / 3.5, d.costs().get(s, j), 1e-9);
            }
        }
        // Same seed: same B and features; the noise multiplies by U[1 - w, 1 + w].
        ShortestPathData clean = ShortestPathData.generate(200, 5, 5, 5, 4, 0, 2);
        ShortestPathData noisy = ShortestPathData.generate(200, 5, 5, 5, 4, 0.5, 2);
        double mean = 0;
        for (int i = 0; i < clean.costs().size(); i++) {
            double ratio = noisy.costs().data()[i] / clean.costs().data()[i];
            assertTrue(ratio >= 0.5 && ratio <= 1.5, "ratio " + ratio);
            mean += ratio / clean.costs().size();
        }
        assertEquals(1, mean, 0.02);
    }

    @Test
    void knapsackDataFollowPyEposFormula() {
        KnapsackData d = KnapsackData.generate(100, 5, 32, 2, 2, 0.5, 4);
        assertEquals(2, d.weights().dim(0));
        for (double w : d.weights().data()) {
            assertTrue(w >= 3 && w <= 7.99 && Math.abs(w * 100 - Math.rint(w * 100)) < 1e-9, "weight " + w);
        }
        for (double v : d.values().data()) {
            assertTrue(v >= 1 && v == Math.rint(v), "value " + v);
        }
        // Values are ceil(5 c) of the shortest-path formula's c for the same draws after the weights.
        KnapsackData clean = KnapsackData.generate(100, 5, 32, 2, 1, 0, 4);
        for (int i = 0; i < clean.values().size(); i++) {
            double v = clean.values().data()[i];
            assertTrue(v >= 1 && v <= Math.ceil(5 * (3 + Math.sqrt(5) * 4 + 1) / 3.5), "value " + v);
        }
    }

    @Test
    void portfolioReturnsFollowPyEposFactorModel() {
        int n = 100_000;
        int m = 6;
        PortfolioData clean = PortfolioData.generate(n, m, 5, 1, 0, 3);
        PortfolioData noisy = PortfolioData.generate(n, m, 5, 1, 1, 3);
        assertArrayEquals(clean.features().data(), noisy.features().data(), "the noise level changes no other draw");
        // deg 1 without noise: r = 0.05 (B x) / sqrt(p) + 0.1, so (r - 0.1) sqrt(5) / 0.05 = B x with B in {0, 1}.
        DenseLU lu = DenseLU.factor(java.util.Arrays.copyOf(clean.features().data(), 25), 5);
        for (int j = 0; j < m; j++) {
            double[] rhs = new double[5];
            for (int s = 0; s < 5; s++) {
                rhs[s] = (clean.returns().get(s, j) - 0.1) * Math.sqrt(5) / 0.05;
            }
            for (double v : lu.solve(rhs)) {
                assertTrue(Math.abs(v) < 1e-8 || Math.abs(v - 1) < 1e-8, "B entry " + v);
            }
        }
        // deg 4 is the same mean raised: (mean_1 - 0.1 + 0.1^(1/4))^4.
        PortfolioData quartic = PortfolioData.generate(40, m, 5, 4, 0, 3);
        for (int i = 0; i < quartic.returns().size(); i++) {
            double mean1 = clean.returns().data()[i];
            assertEquals(Math.pow(mean1 - 0.1 + Math.pow(0.1, 0.25), 4), quartic.returns().data()[i], 1e-12);
        }
        // Given the features the noise has mean 0 and covariance Sigma = L L^T + 0.01^2 I (tau = 1).
        Tensor sigma = noisy.covariance();
        double[] e = new double[n * m];
        for (int i = 0; i < e.length; i++) {
            e[i] = noisy.returns().data()[i] - clean.returns().data()[i];
        }
        double largestOffDiagonal = 0;
        for (int a = 0; a < m; a++) {
            double mean = 0;
            for (int s = 0; s < n; s++) {
                mean += e[s * m + a] / n;
            }
            assertEquals(0, mean, 5 * Math.sqrt(sigma.get(a, a) / n), "mean of asset " + a);
            for (int b = 0; b < m; b++) {
                double c = 0;
                for (int s = 0; s < n; s++) {
                    c += e[s * m + a] * e[s * m + b] / n;
                }
                double se = Math.sqrt((sigma.get(a, a) * sigma.get(b, b) + sigma.get(a, b) * sigma.get(a, b)) / n);
                assertEquals(sigma.get(a, b), c, 5 * se, "covariance " + a + ", " + b);
                assertEquals(sigma.get(a, b), sigma.get(b, a), 0);
                if (a != b) {
                    largestOffDiagonal = Math.max(largestOffDiagonal, Math.abs(sigma.get(a, b)) / se);
                }
            }
            assertTrue(sigma.get(a, a) >= 1e-4, "idiosyncratic variance 0.01^2");
        }
        assertTrue(largestOffDiagonal > 10, "the factors must be visible to the test: " + largestOffDiagonal);
        assertEquals(0, clean.covariance().maxAbs(), 0, "no noise, no covariance");
        assertThrows(IllegalArgumentException.class, () -> PortfolioData.generate(10, m, 5, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> PortfolioData.generate(10, m, 5, 1, Double.NaN, 0));
    }
}
