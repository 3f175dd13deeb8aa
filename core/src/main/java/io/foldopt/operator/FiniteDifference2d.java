package io.foldopt.operator;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;

/**
 * The discrete gradient of {@code h x w} images by forward differences, the operator of total variation.
 *
 * <p>An image is a row {@code x} of length {@code h w}, pixel {@code (r, c)} at index {@code r w + c}. The result
 * has {@code 2 h w} entries in two blocks of {@code h w} ({@link #channels()} = 2, {@link #pixels()} = {@code h w}):
 * block 0 holds the horizontal differences {@code x(r, c+1) - x(r, c)}, block 1 the vertical differences
 * {@code x(r+1, c) - x(r, c)}, each at the index of pixel {@code (r, c)}; differences that would leave the image
 * (last column, last row) are 0 (the Neumann boundary). So pixel {@code p}'s gradient is the group
 * {@code (y[p], y[h w + p])}: anisotropic total variation is {@code ||D x||_1}, isotropic total variation is the
 * sum over pixels of the group norms, whose prox is a group soft-thresholding with 2 channels. {@code D^T} is the
 * negative discrete divergence.
 */
public final class FiniteDifference2d extends KernelOperator {
    private final int height;
    private final int width;

    /**
     * @param height image rows {@code h}, at least 1
     * @param width image columns {@code w}, at least 1
     */
    public FiniteDifference2d(int height, int width) {
        super(2 * pixels(height, width), pixels(height, width), null);
        this.height = height;
        this.width = width;
    }

    private static int pixels(int height, int width) {
        if (height < 1 || width < 1 || (long) height * width * 2 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("FiniteDifference2d: needs 1 <= height, width and 2 h w < 2^31, got "
                    + height + " x " + width);
        }
        return height * width;
    }

    /** @return the number of channels of the result, 2 (horizontal, vertical) */
    public int channels() {
        return 2;
    }

    /** @return {@code h w}, the length of each channel block of the result */
    public int pixels() {
        return height * width;
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        int w = width;
        int hw = pixels();
        Parallel.forEach(batch * height, 4L * w, t -> {
            int b = t / height;
            int r = t % height;
            int xo = b * hw + r * w;
            int ho = b * 2 * hw + r * w;
            int vo = ho + hw;
            for (int c = 0; c < w - 1; c++) {
                out[ho + c] = x[xo + c + 1] - x[xo + c];
            }
            out[ho + w - 1] = 0;
            if (r < height - 1) {
                for (int c = 0; c < w; c++) {
                    out[vo + c] = x[xo + w + c] - x[xo + c];
                }
            } else {
                Arrays.fill(out, vo, vo + w, 0.0);
            }
        });
    }

    /** @return true: both kernels set every entry of their output, the boundary differences to 0 */
    @Override
    protected boolean writesEveryEntry() {
        return true;
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        int w = width;
        int hw = pixels();
        Parallel.forEach(batch * height, 6L * w, t -> {
            int b = t / height;
            int r = t % height;
            int o = b * hw + r * w;
            int ho = b * 2 * hw + r * w;
            int vo = ho + hw;
            boolean up = r > 0;
            boolean down = r < height - 1;
            out[o] = minusDivergence(y, ho, vo, 0, w, up, down);
            // Interior columns without the column tests, so that the loop can be vectorized.
            for (int c = 1; c < w - 1; c++) {
                double s = y[ho + c - 1] - y[ho + c];
                s += (up ? y[vo - w + c] : 0) - (down ? y[vo + c] : 0);
                out[o + c] = s;
            }
            if (w > 1) {
                out[o + w - 1] = minusDivergence(y, ho, vo, w - 1, w, up, down);
            }
        });
    }

    /** @return {@code (D^T y)} at column {@code c} of a row whose blocks start at {@code ho} and {@code vo} */
    private static double minusDivergence(double[] y, int ho, int vo, int c, int w, boolean up, boolean down) {
        double s = (c > 0 ? y[ho + c - 1] : 0) - (c < w - 1 ? y[ho + c] : 0);
        return s + ((up ? y[vo - w + c] : 0) - (down ? y[vo + c] : 0));
    }

    @Override
    public String toString() {
        return "FiniteDifference2d(" + height + " x " + width + ")";
    }
}
