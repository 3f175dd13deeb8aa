package io.foldopt.experiments.denoising2d;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Noisy/clean pairs of piecewise-constant grey-scale "cartoon" images of {@code h x w} pixels, stored row-major as
 * rows of {@code (N, h w)} tensors. Each clean image is a background level uniform in {@code [0, 1]} overlaid, in
 * order, with 3 to 8 shapes (axis-aligned rectangles and disks, each with probability 1/2), of random position and
 * size (up to half the image side) and a level uniform in {@code [0, 1]}; the noisy image adds independent
 * {@code N(0, noise^2)} noise to every pixel. Drawn image by image from one generator seeded with {@code seed}.
 * With an aspect ratio {@code a} ({@link #generate(int, int, int, double, double, long)}), every shape's width is
 * multiplied and its height divided by {@code sqrt(a)} (the same draws): {@code a > 1} gives wide, flat shapes,
 * whose edges are mostly horizontal, so vertical differences of the clean image are nonzero far more often than
 * horizontal ones.
 *
 * @param noisy the noisy images {@code (N, h w)}
 * @param clean the clean images {@code (N, h w)}
 * @param height {@code h}
 * @param width {@code w}
 */
public record CartoonImages(Tensor noisy, Tensor clean, int height, int width) {

    /**
     * @param count {@code N >= 1}
     * @param height {@code h >= 2}
     * @param width {@code w >= 2}
     * @param noise the noise's standard deviation, {@code >= 0}
     * @param seed the seed of every draw
     * @return the images
     */
    public static CartoonImages generate(int count, int height, int width, double noise, long seed) {
        return generate(count, height, width, noise, 1.0, seed);
    }

    /**
     * @param count {@code N >= 1}
     * @param height {@code h >= 2}
     * @param width {@code w >= 2}
     * @param noise the noise's standard deviation, {@code >= 0}
     * @param aspect the shapes' aspect ratio {@code a} (width over height, against the square shapes of
     *     {@code a = 1}), positive and finite
     * @param seed the seed of every draw
     * @return the images
     */
    public static CartoonImages generate(int count, int height, int width, double noise, double aspect, long seed) {
        if (count < 1 || height < 2 || width < 2 || !(noise >= 0) || !Double.isFinite(noise) || !(aspect > 0)
                || !Double.isFinite(aspect)) {
            throw new IllegalArgumentException("cartoon images need N >= 1, h >= 2, w >= 2, a finite noise >= 0 and"
                    + " a positive finite aspect ratio, got " + count + ", " + height + ", " + width + ", " + noise
                    + ", " + aspect);
        }
        double stretch = Math.sqrt(aspect);
        SplittableRandom rng = new SplittableRandom(seed);
        int n = height * width;
        double[] clean = new double[count * n];
        double[] noisy = new double[count * n];
        for (int s = 0; s < count; s++) {
            int o = s * n;
            Arrays.fill(clean, o, o + n, rng.nextDouble());
            int shapes = 3 + rng.nextInt(6);
            for (int k = 0; k < shapes; k++) {
                double level = rng.nextDouble();
                double ci = rng.nextDouble() * height;
                double cj = rng.nextDouble() * width;
                double ri = (0.1 + 0.4 * rng.nextDouble()) * height / 2 / stretch;
                double rj = (0.1 + 0.4 * rng.nextDouble()) * width / 2 * stretch;
                boolean disk = rng.nextBoolean();
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        double di = (i - ci) / ri;
                        double dj = (j - cj) / rj;
                        if (disk ? di * di + dj * dj <= 1 : Math.abs(di) <= 1 && Math.abs(dj) <= 1) {
                            clean[o + i * width + j] = level;
                        }
                    }
                }
            }
            for (int p = o; p < o + n; p++) {
                noisy[p] = clean[p] + noise * rng.nextGaussian();
            }
        }
        return new CartoonImages(Tensor.wrap(noisy, count, n), Tensor.wrap(clean, count, n), height, width);
    }
}
