package io.foldopt.experiments.denoising;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Noisy/clean pairs of piecewise-constant 1-D signals of length {@code n}. Each clean signal has
 * {@code J} jumps, {@code J} uniform in {@code {1, ..., min(n - 1, max(2, n / 10))}}, at distinct positions uniform in
 * {@code {1, ..., n - 1}}; each of its {@code J + 1} pieces has a level uniform in {@code [-1, 1]}. The noisy
 * signal adds independent {@code N(0, noise^2)} noise to every entry. Drawn signal by signal (jumps, levels,
 * noise) from one generator seeded with {@code seed}.
 *
 * @param noisy the noisy signals {@code Y (N, n)}
 * @param clean the clean signals {@code X (N, n)}
 */
public record PiecewiseConstantSignals(Tensor noisy, Tensor clean) {

    /**
     * @param count {@code N >= 1}
     * @param length {@code n >= 2}
     * @param noise the noise's standard deviation, {@code >= 0}
     * @param seed the seed of every draw
     * @return the signals
     */
    public static PiecewiseConstantSignals generate(int count, int length, double noise, long seed) {
        if (count < 1 || length < 2 || !(noise >= 0)) {
            throw new IllegalArgumentException("signals need N >= 1, n >= 2 and noise >= 0, got " + count + ", "
                    + length + ", " + noise);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] clean = new double[count * length];
        double[] noisy = new double[count * length];
        boolean[] jump = new boolean[length];
        for (int s = 0; s < count; s++) {
            Arrays.fill(jump, false);
            int jumps = 1 + rng.nextInt(Math.min(length - 1, Math.max(2, length / 10)));
            for (int placed = 0; placed < jumps;) {
                int at = 1 + rng.nextInt(length - 1);
                if (!jump[at]) {
                    jump[at] = true;
                    placed++;
                }
            }
            double level = rng.nextDouble(-1, 1);
            for (int j = 0; j < length; j++) {
                if (jump[j]) {
                    level = rng.nextDouble(-1, 1);
                }
                clean[s * length + j] = level;
            }
            for (int j = 0; j < length; j++) {
                noisy[s * length + j] = clean[s * length + j] + noise * rng.nextGaussian();
            }
        }
        return new PiecewiseConstantSignals(Tensor.wrap(noisy, count, length), Tensor.wrap(clean, count, length));
    }
}
