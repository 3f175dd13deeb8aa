package io.foldopt.nn.dfl;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Gaussian perturbations of the perturbed losses: for each instance {@code b} of a batch, {@code M} draws
 * {@code Z_bm ~ N(0, I_n)} and the decisions {@code w_bm = w*(c_hat_b + sigma Z_bm)}. Instances run in parallel; the
 * draws of instance {@code b} in the {@code k}-th call come from a generator seeded by {@code (seed, k, b)}, so a
 * sequence of calls gives the same numbers whatever the number of threads.
 */
final class Perturbations {
    private final int samples;
    private final double sigma;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    Perturbations(String loss, int samples, double sigma, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException(loss + ": samples must be >= 1, got " + samples);
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(loss + ": sigma must be positive and finite, got " + sigma);
        }
        this.samples = samples;
        this.sigma = sigma;
        this.seed = seed;
    }

    int samples() {
        return samples;
    }

    double sigma() {
        return sigma;
    }

    /** Receives one instance's draws. */
    @FunctionalInterface
    interface InstanceBody {
        /**
         * @param b the instance
         * @param noise the draws {@code Z_bm}, {@code M x n} row-major
         * @param decisions the decisions {@code w_bm}, {@code M x n} row-major
         */
        void accept(int b, double[] noise, double[] decisions);
    }

    /** Draws and solves the perturbations of every instance of {@code predicted (B, n)}, in parallel. */
    void forEach(Oracle oracle, Tensor predicted, InstanceBody body) {
        long call = calls.getAndIncrement();
        int batch = predicted.dim(0);
        int n = predicted.dim(1);
        double[] p = predicted.data();
        Parallel.forEach(batch, samples * oracle.workPerSolve(), b -> {
            SplittableRandom rng = new SplittableRandom(mix(mix(seed, call), b));
            double[] noise = new double[samples * n];
            double[] decisions = new double[samples * n];
            double[] cost = new double[n];
            for (int m = 0; m < samples; m++) {
                for (int j = 0; j < n; j++) {
                    noise[m * n + j] = rng.nextGaussian();
                    cost[j] = p[b * n + j] + sigma * noise[m * n + j];
                }
                double[] w;
                try {
                    w = oracle.solve(cost);
                } catch (OracleException e) {
                    throw e.at(b);
                }
                System.arraycopy(w, 0, decisions, m * n, n);
            }
            body.accept(b, noise, decisions);
        });
    }

    /** @return a well-mixed 64-bit hash of {@code (a, b)} (the finalizer of MurmurHash3) */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb93e1a85ec53L;
        return z ^ (z >>> 33);
    }
}
