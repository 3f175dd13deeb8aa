package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training loop: learning, determinism, metrics, modes, and divergence. */
class TrainerTest {
    /** {@code y = sin(2 x_0) + x_1 x_2 - 0.5 x_3²} for standard normal {@code x (n, 4)}. */
    private static Dataset regression(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.randn(rng, n, 4);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = x.row(i);
            y[i] = Math.sin(2 * r[0]) + r[1] * r[2] - 0.5 * r[3] * r[3];
        }
        return new Dataset(x, Tensor.wrap(y, n, 1));
    }

    private static Var mse(Layer model, Dataset data) {
        return Losses.mse(model.forward(Var.constant(data.features())), Var.constant(data.targets()));
    }

    private static StepFunction mseStep(Layer model) {
        return (batch, report) -> mse(model, batch);
    }

    private static TrainingHistory train(boolean batchNorm, long seed, int epochs, Dataset validation) {
        Sequential model = Mlp.of(new int[] {4, 32, 32, 1}, batchNorm, 0.0, seed);
        Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.01, 0.9, 0.999, 1e-8), mseStep(model))
                .validateWith(m -> Map.of("mse", mse(m, validation).item()));
        return trainer.fit(new DataLoader(regression(512, 1), 32, true, seed), epochs);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trainingAnMlpLowersTheRegressionErrorByALargeFactor(boolean batchNorm) {
        Dataset validation = regression(256, 2);
        Sequential untrained = Mlp.of(new int[] {4, 32, 32, 1}, batchNorm, 0.0, 7);
        untrained.eval();
        double before = mse(untrained, validation).item();
        double[] after = train(batchNorm, 7, 60, validation).series("mse");
        assertEquals(60, after.length);
        // About 3 -> 0.09 in both cases (the target's variance is about 2).
        assertTrue(after[59] < before / 10, () -> "validation MSE " + before + " -> " + after[59]);
    }

    @Test
    void sameSeedSameRun() {
        Dataset validation = regression(64, 3);
        TrainingHistory a = train(true, 11, 3, validation);
        TrainingHistory b = train(true, 11, 3, validation);
        assertArrayEquals(a.trainLosses(), b.trainLosses());
        assertArrayEquals(a.series("mse"), b.series("mse"));
        assertFalse(a.trainLosses()[0] == train(true, 12, 1, validation).trainLosses()[0]);
    }

    @Test
    void epochLossIsTheSampleWeightedMeanOfBatchLosses() {
        // With a zero learning rate every batch sees the same model, so the epoch loss is the MSE of
        // the whole dataset, although the last batch is smaller (10 samples in batches 4, 4, 2).
        Dataset data = regression(10, 4);
        Sequential model = Mlp.of(new int[] {4, 5, 1}, false, 0.0, 4);
        double full = mse(model, data).item();
        TrainingHistory h = new Trainer(model, new Sgd(model.parameters(), 0.0, 0.0), mseStep(model))
                .fit(new DataLoader(data, 4, true, 4), 1);
        assertEquals(full, h.last().trainLoss(), 1e-14);
    }

    @Test
    void metricsListenersModesAndEpochNumbers() {
        Dataset data = regression(10, 5);
        Sequential model = Mlp.of(new int[] {4, 6, 1}, true, 0.3, 5);
        BatchNorm1d bn = (BatchNorm1d) model.modules().get(1);
        List<String> seenInEvaluation = new ArrayList<>();
        List<EpochMetrics> heard = new ArrayList<>();
        StepFunction step = (batch, report) -> {
            assertTrue(bn.isTraining());
            report.accept("batch size", batch.size());
            report.accept("only first", 1.0);
            return mse(model, batch);
        };
        Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.01, 0.9), step)
                .validateWith(m -> {
                    seenInEvaluation.add(GradMode.isEnabled() + " " + bn.isTraining());
                    return Map.of("one", 1.0);
                })
                .onEpoch(heard::add);
        TrainingHistory first = trainer.fit(new DataLoader(data, 4, true, 5), 2);
        TrainingHistory second = trainer.fit(new DataLoader(data, 4, true, 5), 1);
        assertEquals(List.of("false false", "false false", "false false"), seenInEvaluation);
        assertTrue(bn.isTraining(), "training mode restored after validation");
        assertEquals(List.of(0, 1, 2), heard.stream().map(EpochMetrics::epoch).toList());
        assertEquals(first.epochs(), heard.subList(0, 2));
        assertEquals(2, second.last().epoch());
        EpochMetrics m = second.last();
        assertEquals(10 / 3.0, m.extras().get("batch size"), 1e-15);
        assertEquals(List.of("batch size", "only first"), List.copyOf(m.extras().keySet()));
        assertEquals(1.0, m.metric("one"));
        assertTrue(Double.isNaN(m.metric("absent")));
        assertTrue(m.seconds() >= m.forwardSeconds() + m.backwardSeconds());
    }

    @Test
    void nonFiniteLossNamesEpochAndBatch() {
        Dataset data = regression(12, 6);
        Sequential model = Mlp.of(new int[] {4, 3, 1}, false, 0.0, 6);
        int[] calls = {0};
        StepFunction step = (batch, report) -> {
            Var loss = mse(model, batch);
            // Batches 0-2 in epoch 0, 3-5 in epoch 1: the sixth call is epoch 1, batch 2.
            return ++calls[0] == 6 ? loss.mul(Double.NaN) : loss;
        };
        Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.01, 0.0), step);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(new DataLoader(data, 4, true, 6), 3));
        assertEquals(1, e.epoch());
        assertEquals(2, e.batch());
        assertTrue(e.getMessage().contains("epoch 1, batch 2"), e.getMessage());
    }

    @Test
    void nonFiniteGradientNamesTheParameter() {
        Parameter w = new Parameter("w", Tensor.vector(0.0, 1.0));
        Layer none = x -> x;
        // sqrt(0) = 0 is finite, its derivative is not.
        Trainer trainer = new Trainer(none, new Sgd(List.of(w), 0.1, 0.0), (batch, report) -> w.var().sqrt().sum());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(new DataLoader(regression(3, 7), 3, false, 7), 1));
        assertEquals(0, e.epoch());
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        assertArrayEquals(new double[] {0.0, 1.0}, w.value().data(), "the diverging update is not applied");
    }
}
