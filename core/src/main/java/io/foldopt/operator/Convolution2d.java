package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;
import io.foldopt.parallel.Parallel;
import java.util.Arrays;

/**
 * A bank of {@code F} small 2-D filters applied to {@code h x w} images (cross-correlation, as in convolutional
 * networks), differentiable in the image and in the filter weights.
 *
 * <p>With filters {@code k (F, kh, kw)} and padding offsets {@code (top, left)}, output channel {@code f} is
 * {@code y_f(r, c) = sum_{a < kh, b < kw} k(f, a, b) x(r + a - top, c + b - left)}, where pixels outside the image
 * are 0. {@link Padding#VALID} keeps the positions where the filter lies inside the image ({@code top = left = 0},
 * output {@code (h - kh + 1) x (w - kw + 1)}); {@link Padding#ZERO} keeps the image size ({@code top = (kh-1)/2},
 * {@code left = (kw-1)/2}, output {@code h x w}). Images are rows of length {@code h w} (pixel {@code (r, c)} at
 * {@code r w + c}); the result holds {@code F} channel blocks of {@link #outputHeight()} x {@link #outputWidth()}
 * pixels, channel {@code f} at offset {@code f oh ow}. The VJP for the filters is
 * {@code dk(f, a, b) = sum_{batch, r, c} g_f(r, c) x(r + a - top, c + b - left)}.
 */
public final class Convolution2d extends KernelOperator {
    /** Which output positions are kept. */
    public enum Padding {
        /** Only positions where the whole filter lies inside the image. */
        VALID,
        /** One output per pixel, the image extended by zeros. */
        ZERO
    }

    private final int height;
    private final int width;
    private final int filters;
    private final int kh;
    private final int kw;
    private final int top;
    private final int left;
    private final int oh;
    private final int ow;

    /**
     * @param height image rows {@code h}
     * @param width image columns {@code w}
     * @param weights the filters {@code (F, kh, kw)}: a constant, or a parameter to learn them
     * @param padding {@link Padding#VALID} or {@link Padding#ZERO}
     */
    public Convolution2d(int height, int width, Var weights, Padding padding) {
        super(outputSize(height, width, weights, padding), height * width, weights);
        int[] s = weights.shape();
        this.height = height;
        this.width = width;
        this.filters = s[0];
        this.kh = s[1];
        this.kw = s[2];
        boolean valid = padding == Padding.VALID;
        this.top = valid ? 0 : (kh - 1) / 2;
        this.left = valid ? 0 : (kw - 1) / 2;
        this.oh = valid ? height - kh + 1 : height;
        this.ow = valid ? width - kw + 1 : width;
    }

    private static int outputSize(int height, int width, Var weights, Padding padding) {
        int[] s = weights.shape();
        if (s.length != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1) {
            throw new IllegalArgumentException("Convolution2d: filters must have shape (F, kh, kw) with positive"
                    + " sizes, got " + Arrays.toString(s));
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Convolution2d: image size must be positive, got " + height + " x "
                    + width);
        }
        if (padding == Padding.VALID && (s[1] > height || s[2] > width)) {
            throw new IllegalArgumentException("Convolution2d: " + s[1] + " x " + s[2] + " filters do not fit in a "
                    + height + " x " + width + " image with VALID padding");
        }
        long out = padding == Padding.VALID ? (long) s[0] * (height - s[1] + 1) * (width - s[2] + 1)
                : (long) s[0] * height * width;
        if (out > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Convolution2d: output of " + out + " entries is too large");
        }
        return (int) out;
    }

    /** @return the number of filters {@code F}, the channels of the result */
    public int channels() {
        return filters;
    }

    /** @return the rows of each output channel */
    public int outputHeight() {
        return oh;
    }

    /** @return the columns of each output channel */
    public int outputWidth() {
        return ow;
    }

    /** @return the filters {@code (F, kh, kw)} */
    public Var weights() {
        return parameters();
    }

    /** First output column {@code c} whose input column {@code c + b - left} is inside the image. */
    private int firstCol(int b) {
        return Math.max(0, left - b);
    }

    /** One past the last output column whose input column {@code c + b - left} is inside the image. */
    private int endCol(int b) {
        return Math.min(ow, width - b + left);
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        int hw = height * width;
        int plane = oh * ow;
        Parallel.forEach(batch * filters * oh, 2L * ow * kh * kw, t -> {
            int r = t % oh;
            int f = (t / oh) % filters;
            int n = t / (oh * filters);
            int o = n * rows() + f * plane + r * ow;
            for (int a = 0; a < kh; a++) {
                int rr = r + a - top;
                if (rr < 0 || rr >= height) {
                    continue;
                }
                for (int b = 0; b < kw; b++) {
                    int c0 = firstCol(b);
                    int len = endCol(b) - c0;
                    if (len > 0) {
                        Vec.axpy(p[(f * kh + a) * kw + b], x, n * hw + rr * width + c0 + b - left, out, o + c0, len);
                    }
                }
            }
        });
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        int hw = height * width;
        int plane = oh * ow;
        Parallel.forEach(batch * height, 2L * width * filters * kh * kw, t -> {
            int rr = t % height;
            int n = t / height;
            int o = n * hw + rr * width;
            for (int f = 0; f < filters; f++) {
                for (int a = 0; a < kh; a++) {
                    int r = rr - a + top;
                    if (r < 0 || r >= oh) {
                        continue;
                    }
                    for (int b = 0; b < kw; b++) {
                        int c0 = firstCol(b);
                        int len = endCol(b) - c0;
                        if (len > 0) {
                            Vec.axpy(p[(f * kh + a) * kw + b], y, n * rows() + f * plane + r * ow + c0, out,
                                    o + c0 + b - left, len);
                        }
                    }
                }
            }
        });
    }

    @Override
    protected void parameterGradient(double[] x, double[] y, double[] out, int batch) {
        int hw = height * width;
        int plane = oh * ow;
        Parallel.forEach(filters * kh * kw, 2L * batch * plane, t -> {
            int b = t % kw;
            int a = (t / kw) % kh;
            int f = t / (kw * kh);
            int c0 = firstCol(b);
            int len = endCol(b) - c0;
            double s = 0;
            for (int n = 0; n < batch && len > 0; n++) {
                for (int r = Math.max(0, top - a); r < Math.min(oh, height - a + top); r++) {
                    s += Vec.dot(y, n * rows() + f * plane + r * ow + c0, x,
                            n * hw + (r + a - top) * width + c0 + b - left, len);
                }
            }
            out[t] = s;
        });
    }

    @Override
    public String toString() {
        return "Convolution2d(" + filters + " filters " + kh + " x " + kw + " on " + height + " x " + width + ")";
    }
}
