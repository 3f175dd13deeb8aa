package io.foldopt.nn;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.parallel.CpuClock;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minibatch training: for each batch of each epoch, {@code L = step(batch)},
 * {@code g = ∇_θ L} by a reverse pass over the recorded graph ({@link Autodiff#vjp}) for the
 * optimizer's parameters {@code θ}, then {@code optimizer.step(g)}. After each epoch the optional
 * {@link Evaluator} runs with the model in evaluation mode and recording off, and the
 * {@link EpochMetrics} go to every {@link EpochListener}. The model is in training mode during the
 * steps; a parameter the loss does not depend on gets a zero gradient.
 *
 * <p>Epochs are numbered across {@link #fit} calls, so a second call continues the first one (with the
 * loader's next epochs' orders).
 */
public final class Trainer {
    private final Layer model;
    private final Optimizer optimizer;
    private final StepFunction step;
    private final List<EpochListener> listeners = new ArrayList<>();
    private Evaluator evaluator;
    private int epochsDone;

    /**
     * @param model the model whose mode the trainer switches
     * @param optimizer the optimizer; its parameters are the ones differentiated and updated
     * @param step computes each batch's loss
     */
    public Trainer(Layer model, Optimizer optimizer, StepFunction step) {
        this.model = model;
        this.optimizer = optimizer;
        this.step = step;
    }

    /** Sets the validation run after every epoch; returns this trainer. */
    public Trainer validateWith(Evaluator evaluator) {
        this.evaluator = evaluator;
        return this;
    }

    /** Adds a listener of the epochs' metrics; returns this trainer. */
    public Trainer onEpoch(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Trains for {@code epochs} epochs of {@code loader}.
     *
     * @return the metrics of these epochs
     * @throws TrainingDivergedException if a loss or gradient is not finite
     */
    public TrainingHistory fit(DataLoader loader, int epochs) {
        List<EpochMetrics> history = new ArrayList<>();
        for (int k = 0; k < epochs; k++) {
            EpochMetrics m = runEpoch(loader, epochsDone);
            epochsDone++;
            history.add(m);
            for (EpochListener l : listeners) {
                l.onEpoch(m);
            }
        }
        return new TrainingHistory(history);
    }

    private EpochMetrics runEpoch(DataLoader loader, int epoch) {
        long start = System.nanoTime();
        long cpuStart = CpuClock.processNanos();
        long forwardNanos = 0;
        long backwardNanos = 0;
        double weightedLoss = 0;
        int samples = 0;
        Map<String, double[]> extras = new LinkedHashMap<>();
        List<Parameter> parameters = optimizer.parameters();
        model.train();
        List<Dataset> batches = loader.epoch(epoch);
        for (int b = 0; b < batches.size(); b++) {
            Dataset batch = batches.get(b);
            Var[] leaves = Parameter.leaves(parameters);
            long t0 = System.nanoTime();
            Var loss = step.loss(batch, (name, value) -> {
                double[] sumCount = extras.computeIfAbsent(name, n -> new double[2]);
                sumCount[0] += value;
                sumCount[1]++;
            });
            long t1 = System.nanoTime();
            if (loss.value().size() != 1) {
                throw new IllegalArgumentException("the step function must return a one-element loss, got shape "
                        + Arrays.toString(loss.shape()));
            }
            double value = loss.item();
            if (!Double.isFinite(value)) {
                throw new TrainingDivergedException(epoch, b, "the loss is " + value);
            }
            Tensor[] grads = Autodiff.vjp(new Var[] {loss}, leaves, new Tensor[] {Tensor.full(1.0, loss.shape())});
            backwardNanos += System.nanoTime() - t1;
            forwardNanos += t1 - t0;
            for (int i = 0; i < grads.length; i++) {
                if (!grads[i].isFinite()) {
                    throw new TrainingDivergedException(epoch, b, "the gradient of parameter '"
                            + parameters.get(i).name() + "' is not finite");
                }
            }
            optimizer.step(Arrays.asList(grads));
            weightedLoss += value * batch.size();
            samples += batch.size();
        }
        Map<String, Double> validation = new LinkedHashMap<>();
        if (evaluator != null) {
            model.eval();
            try {
                validation.putAll(GradMode.noGrad(() -> evaluator.evaluate(model)));
            } finally {
                model.train();
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        extras.forEach((name, sumCount) -> means.put(name, sumCount[0] / sumCount[1]));
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new EpochMetrics(epoch, samples == 0 ? Double.NaN : weightedLoss / samples, seconds,
                CpuClock.secondsSince(cpuStart), forwardNanos * 1e-9, backwardNanos * 1e-9, validation, means);
    }
}
