package io.foldopt.cli.bench;

import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.algorithms.MatrixFreeAdmmQp;
import io.foldopt.algorithms.PrimalDualHybridGradient;
import io.foldopt.algorithms.PrimalTerm;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.denoising2d.CartoonImages;
import io.foldopt.operator.FiniteDifference2d;
import io.foldopt.operator.LinearOperator;
import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * One instance (batch 1) of a problem of {@code foldopt bench scale}: a foldable algorithm, the value of its layer
 * parameters, and which of them is differentiated ({@code c}, the first).
 *
 * @param name {@code tv} or {@code qp}
 * @param n the number of variables
 * @param algorithm the algorithm whose update map is folded
 * @param params the layer parameters, {@code c} first, each {@code (1, p_i)}
 * @param captured the captured variables that also receive gradients (weights, matrix values)
 * @param imageSide the side {@code s} of the image for {@code tv}, 0 for {@code qp}
 */
public record ScaleProblem(String name, int n, FoldableAlgorithm algorithm, Tensor[] params, Var[] captured,
        int imageSide) {
    /** Side of the square patch (tv) and square root of the block length (qp) of the check's direction. */
    public static final int PATCH = 32;

    /** Standard deviation of the noise on the cartoon image. */
    static final double NOISE = 0.1;
    /** TV weights of the horizontal and vertical differences. */
    static final double[] TV_WEIGHTS = {0.05, 0.05};
    /** PDHG's primal weight: {@code tau = 0.99 r / sqrt(8)}, {@code sigma = 0.99 / (r sqrt(8))}. */
    static final double PRIMAL_WEIGHT = 0.2;

    /**
     * @return 2-D anisotropic TV denoising {@code min 1/2 ||x - d||^2 + lambda_h ||D_h x||_1 + lambda_v ||D_v x||_1}
     *     of a noisy {@code s x s} cartoon image, {@code s = round(sqrt(n))}, solved by PDHG; {@code c = d}, and the
     *     weights {@code lambda} are captured; {@code ||D||_2 <= sqrt(8)}
     */
    public static ScaleProblem totalVariation(int n, long seed) {
        int side = Math.max(2, (int) Math.round(Math.sqrt(n)));
        CartoonImages image = CartoonImages.generate(1, side, side, NOISE, seed);
        FiniteDifference2d d = new FiniteDifference2d(side, side);
        Var lambda = Var.param(Tensor.vector(TV_WEIGHTS));
        PrimalDualHybridGradient pdhg = new PrimalDualHybridGradient(d, PrimalTerm.squaredDistance(),
                PrimalDualHybridGradient.weightedL1Conjugate(lambda, d.pixels(), d.pixels()), Math.sqrt(8),
                PRIMAL_WEIGHT);
        return new ScaleProblem("tv", side * side, pdhg, new Tensor[] {image.noisy()}, new Var[] {lambda},
                side);
    }

    /**
     * @return a random sparse QP {@code min 1/2 x^T P x + q^T x  s.t.  l <= A x <= u} with {@code n} variables and
     *     {@code n / 2} constraints: {@code P} diagonal in {@code [0.5, 1.5]} plus a symmetric random pattern of
     *     weight 0.1 with two entries per row, {@code A} three standard-normal entries per row, {@code l, u} at
     *     {@code -/+ (0.5 + U[0, 1])}, {@code q} standard normal; solved by ADMM with CG x-updates; {@code c = q}, and
     *     the nonzero values of {@code P} and {@code A} are captured
     */
    public static ScaleProblem sparseQp(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = Math.max(1, n / 2);
        int[] pr = new int[3 * n];
        int[] pc = new int[3 * n];
        double[] pv = new double[3 * n];
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(n);
            double v = 0.05 * rng.nextGaussian();
            pr[3 * i] = i;
            pc[3 * i] = i;
            pv[3 * i] = 1.0 + rng.nextDouble() - 0.5;
            pr[3 * i + 1] = i;
            pc[3 * i + 1] = j;
            pv[3 * i + 1] = v;
            pr[3 * i + 2] = j;
            pc[3 * i + 2] = i;
            pv[3 * i + 2] = v;
        }
        int[] ar = new int[3 * m];
        int[] ac = new int[3 * m];
        double[] av = new double[3 * m];
        for (int i = 0; i < 3 * m; i++) {
            ar[i] = i / 3;
            ac[i] = rng.nextInt(n);
            av[i] = rng.nextGaussian();
        }
        CsrMatrix p0 = CsrMatrix.fromTriplets(n, n, pr, pc, pv);
        CsrMatrix a0 = CsrMatrix.fromTriplets(m, n, ar, ac, av);
        Var pValues = Var.param(p0.values().value());
        Var aValues = Var.param(a0.values().value());
        LinearOperator p = p0.withValues(pValues);
        LinearOperator a = a0.withValues(aValues);
        double[] q = new double[n];
        double[] lo = new double[m];
        double[] hi = new double[m];
        for (int j = 0; j < n; j++) {
            q[j] = rng.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            lo[i] = -0.5 - rng.nextDouble();
            hi[i] = 0.5 + rng.nextDouble();
        }
        MatrixFreeAdmmQp admm = new MatrixFreeAdmmQp(p, a, 1.0, 1e-6, 1e-12);
        return new ScaleProblem("qp", n, admm, new Tensor[] {Tensor.wrap(q, 1, n), Tensor.wrap(lo, 1, m),
            Tensor.wrap(hi, 1, m)}, new Var[] {pValues, aValues}, 0);
    }

    /**
     * @return a standard-normal direction for the directional check, shaped like {@code c} and zero outside a patch
     *     at a random position: a {@code PATCH x PATCH} square of the image (the whole image if smaller) for
     *     {@code tv}, {@code PATCH^2} consecutive entries of {@code q} (all if fewer) for {@code qp}
     */
    public Tensor checkDirection(SplittableRandom rng) {
        Tensor c = params[0];
        double[] d = new double[c.size()];
        if (imageSide > 0) {
            int p = Math.min(PATCH, imageSide);
            int r0 = rng.nextInt(imageSide - p + 1);
            int c0 = rng.nextInt(imageSide - p + 1);
            for (int r = r0; r < r0 + p; r++) {
                for (int col = c0; col < c0 + p; col++) {
                    d[r * imageSide + col] = rng.nextGaussian();
                }
            }
        } else {
            int len = Math.min(PATCH * PATCH, d.length);
            int start = rng.nextInt(d.length - len + 1);
            for (int i = start; i < start + len; i++) {
                d[i] = rng.nextGaussian();
            }
        }
        return Tensor.wrap(d, c.shape());
    }
}
