package io.foldopt.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.denoising.PiecewiseConstantSignals;
import io.foldopt.experiments.denoising.TotalVariationQp;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The denoising experiment: signals, the QP encoding, and a SMALL run end to end. */
class DenoisingExperimentTest {

    @Test
    void everyMethodLearnsTheOperatorAndTheExactGradientsAgree() {
        ExperimentResult result = SmallRun.run(new DenoisingExperiment(), "mse", true,
                List.of("folded-dpg", "folded-admm", "unrolled-admm", "kkt-qp"));
        Map<String, MethodResult> byName = SmallRun.byName(result);
        for (MethodResult m : result.methods()) {
            m.epochs().forEach(e -> assertTrue(Double.isFinite(e.testMetric()) && Double.isFinite(e.trainLoss()),
                    m.method() + " epoch " + e.epoch()));
            // Seeds 0-4 end at 33-54% of the initial test MSE; 80% is a robust bound.
            assertTrue(m.finalTestMetric() < 0.8 * m.initialTestMetric(), m.method() + ": "
                    + m.initialTestMetric() + " -> " + m.finalTestMetric());
        }
        for (String folded : List.of("folded-dpg", "folded-admm")) {
            MethodResult m = byName.get(folded);
            assertTrue(m.epochs().stream().allMatch(e -> e.backwardSolves() > 0), folded + " recorded no solves");
            assertEquals(0, m.backwardFailures(), folded + " had unconverged backward solves");
        }
        for (String baseline : List.of("unrolled-admm", "kkt-qp")) {
            assertEquals(0, byName.get(baseline).epochs().stream().mapToLong(EpochRecord::backwardSolves).sum());
        }
        // Folded DPG, folded ADMM and the QP's KKT differentiation all compute the exact gradient of the same
        // solution map, so they follow the same training trajectory.
        double reference = byName.get("kkt-qp").finalTestMetric();
        for (String exact : List.of("folded-dpg", "folded-admm")) {
            double v = byName.get(exact).finalTestMetric();
            assertTrue(Math.abs(v - reference) <= 1e-4 * reference, exact + " " + v + " vs kkt-qp " + reference);
        }
    }

    @Test
    void signalsArePiecewiseConstantWithTheGivenNoise() {
        PiecewiseConstantSignals s = PiecewiseConstantSignals.generate(200, 30, 0.2, 4);
        assertEquals(s.noisy().toString(), PiecewiseConstantSignals.generate(200, 30, 0.2, 4).noisy().toString());
        double squared = 0;
        for (int b = 0; b < 200; b++) {
            int jumps = 0;
            for (int j = 1; j < 30; j++) {
                jumps += s.clean().get(b, j) != s.clean().get(b, j - 1) ? 1 : 0;
            }
            assertTrue(jumps >= 1 && jumps <= 3, jumps + " jumps");
            for (int j = 0; j < 30; j++) {
                assertTrue(Math.abs(s.clean().get(b, j)) <= 1);
                squared += Math.pow(s.noisy().get(b, j) - s.clean().get(b, j), 2);
            }
        }
        assertEquals(0.2, Math.sqrt(squared / 6000), 0.01);
    }

    /** The QP in {@code (x, t)} and the generalized lasso solved by DPG have the same solution {@code x}. */
    @Test
    void equivalentQpHasTheLassoSolution() {
        int n = 12;
        Tensor d = Tensor.randn(new SplittableRandom(8), n - 1, n);
        Tensor y = Tensor.randn(new SplittableRandom(9), 3, n);
        TotalVariationQp qp = new TotalVariationQp(n, n - 1, 0.3);
        Var g = qp.inequalities(Var.constant(d));
        Tensor viaQp = qp.signal(DifferentiableQp.solve(qp.quadratic(), qp.linear(Var.constant(y)), null, null, g,
                Var.constant(Tensor.zeros(g.dim(0))), QpOptions.defaults())).value();
        DualProximalGradient dpg = new DualProximalGradient(Var.constant(d), Var.scalar(0.3));
        Tensor viaDpg = dpg.output(Var.constant(dpg.solver(1e-12, 1_000_000).solve(new Tensor[] {y}))).value();
        for (int i = 0; i < viaQp.size(); i++) {
            assertEquals(viaDpg.data()[i], viaQp.data()[i], 1e-7);
        }
    }
}
