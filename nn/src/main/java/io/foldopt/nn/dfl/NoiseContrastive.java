package io.foldopt.nn.dfl;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contrastive losses of Mulamba et al. (2021), as in PyEPO's {@code NCE} and {@code contrastiveMAP}: the true
 * decision {@code w*(c)} is contrasted with a pool {@code Γ} of feasible solutions ({@link SolutionPool}), which
 * starts from the training set's optimal decisions and grows with the oracle's decisions for the predicted costs.
 * For a minimization,
 * <ul>
 *   <li>{@code nce}: {@code l(c_hat) = (1 / |Γ|) Σ_{s ∈ Γ} c_hat^T (w* - s) = c_hat^T (w* - mean(Γ))}, gradient
 *       {@code w* - mean(Γ)};
 *   <li>{@code cmap} (maximum a posteriori): {@code l(c_hat) = max_{s ∈ Γ} c_hat^T (w* - s)}, subgradient
 *       {@code w* - s_hat} with {@code s_hat = argmin_{s ∈ Γ} c_hat^T s} (the first in pool order on ties);
 * </ul>
 * both averaged over the batch. Each {@link #evaluate} first draws {@code u ~ U[0, 1)} from a generator seeded by
 * {@code (seed, call number)}; if {@code u < solveRatio} it solves the predicted costs of the batch (in parallel) and
 * adds the new decisions to the pool in instance order, and then evaluates the loss on the updated pool. The pool
 * therefore grows the same way for the same seed and inputs, whatever the number of threads.
 */
public final class NoiseContrastive implements DecisionLoss {
    private final Oracle oracle;
    private final SolutionPool pool;
    private final double solveRatio;
    private final long seed;
    private final boolean maximumAPosteriori;
    private final AtomicLong calls = new AtomicLong();

    private NoiseContrastive(Oracle oracle, SolutionPool pool, double solveRatio, long seed,
            boolean maximumAPosteriori) {
        if (!(solveRatio >= 0 && solveRatio <= 1)) {
            throw new IllegalArgumentException((maximumAPosteriori ? "cmap" : "nce")
                    + ": the solve ratio must be in [0, 1], got " + solveRatio);
        }
        if (pool.dimension() != oracle.dimension()) {
            throw new IllegalArgumentException((maximumAPosteriori ? "cmap" : "nce") + ": the pool's solutions have "
                    + pool.dimension() + " entries but the oracle has " + oracle.dimension() + " variables");
        }
        this.oracle = oracle;
        this.pool = pool;
        this.solveRatio = solveRatio;
        this.seed = seed;
        this.maximumAPosteriori = maximumAPosteriori;
    }

    /**
     * The mean contrast over the pool ({@code nce}).
     *
     * @param oracle the problem's oracle
     * @param pool the pool, typically started from the training set's optimal decisions; it grows as the loss is
     *     evaluated
     * @param solveRatio the probability in {@code [0, 1]} that an evaluation solves the predicted costs (1: always,
     *     0: the pool stays as given)
     * @param seed the seed of the draws deciding whether to solve
     * @return the loss
     */
    public static NoiseContrastive nce(Oracle oracle, SolutionPool pool, double solveRatio, long seed) {
        return new NoiseContrastive(oracle, pool, solveRatio, seed, false);
    }

    /**
     * The largest contrast over the pool ({@code cmap}), arguments as for {@link #nce}.
     *
     * @return the loss
     */
    public static NoiseContrastive map(Oracle oracle, SolutionPool pool, double solveRatio, long seed) {
        return new NoiseContrastive(oracle, pool, solveRatio, seed, true);
    }

    @Override
    public String name() {
        return maximumAPosteriori ? "cmap" : "nce";
    }

    /** @return the pool, as grown by the evaluations so far */
    public SolutionPool pool() {
        return pool;
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        long call = calls.getAndIncrement();
        if (solveRatio > 0 && new SplittableRandom(Perturbations.mix(seed, call)).nextDouble() < solveRatio) {
            pool.addAll(oracle.solveBatch(predicted));
        }
        int batch = truth.size();
        int n = truth.dimension();
        double[] p = predicted.data();
        double[] w = truth.decisions().data();
        double[] grad = new double[batch * n];
        double[] losses = new double[batch];
        if (maximumAPosteriori) {
            Tensor solutions = pool.solutions();
            double[] s = solutions.data();
            int k = solutions.dim(0);
            Parallel.forEach(batch, (long) k * n, b -> {
                int best = 0;
                double least = Double.POSITIVE_INFINITY;
                for (int i = 0; i < k; i++) {
                    double v = 0;
                    for (int j = 0; j < n; j++) {
                        v += p[b * n + j] * s[i * n + j];
                    }
                    if (v < least) {
                        least = v;
                        best = i;
                    }
                }
                losses[b] = contrast(p, w, s, b, best * n, n, grad, batch);
            });
        } else {
            double[] mean = pool.mean();
            for (int b = 0; b < batch; b++) {
                losses[b] = contrast(p, w, mean, b, 0, n, grad, batch);
            }
        }
        double loss = 0;
        for (double l : losses) {
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }

    /**
     * Writes {@code (w*_b - s) / B} into instance {@code b}'s gradient and returns {@code c_hat_b^T (w*_b - s)}, for
     * {@code s = other[from, from + n)}.
     */
    private static double contrast(double[] p, double[] w, double[] other, int b, int from, int n, double[] grad,
            int batch) {
        double l = 0;
        for (int j = 0; j < n; j++) {
            double d = w[b * n + j] - other[from + j];
            l += p[b * n + j] * d;
            grad[b * n + j] = d / batch;
        }
        return l;
    }
}
