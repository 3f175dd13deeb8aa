package io.foldopt.topk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK.Entropy;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The top-k layers at extreme {@code eps} and scores, with ties: seeded properties against the sorted indicator
 * (the {@code eps -> 0} limit) and against an independent bisection in exact-range decimal arithmetic.
 */
class TopKRobustnessTest {
    private static final BigDecimal LIMIT = BigDecimal.valueOf(10_000);

    private static double[] solve(double[] c, int k, double eps, Entropy entropy) {
        return TopK.layer(Var.constant(Tensor.wrap(c.clone(), 1, c.length)), k, eps, entropy).value().data();
    }

    private static double sum(double[] x) {
        return Arrays.stream(x).sum();
    }

    @ParameterizedTest
    @EnumSource(Entropy.class)
    void extremeEpsKeepsTheConstraint(Entropy entropy) {
        double[] c = {1, 0.5, -0.3, 2, 0.1};
        double[] huge = solve(c, 2, 1e307, entropy);
        for (double xi : huge) {
            assertEquals(0.4, xi, 1e-12, "eps -> infinity spreads k evenly");
        }
        assertEquals(Status.OPTIMAL, TopK.check(c, huge, 2, 1e307, entropy).status());
        double[] tiny = solve(c, 2, 1e-300, entropy);
        assertArrayEquals(new double[] {1, 0, 0, 1, 0}, tiny, 1e-15);
        assertEquals(Status.OPTIMAL, TopK.check(c, tiny, 2, 1e-300, entropy).status());
    }

    @ParameterizedTest
    @EnumSource(Entropy.class)
    void tiesAreSplitEvenly(Entropy entropy) {
        double[] c = {1, 1, 0};
        for (double eps : new double[] {1e-300, 1e-8, 0.3, 1, 1e300}) {
            double[] x = solve(c, 1, eps, entropy);
            assertEquals(x[0], x[1], 0.0, "tied scores, eps " + eps);
            assertEquals(1.0, sum(x), 1e-14, "eps " + eps);
            assertEquals(Status.OPTIMAL, TopK.check(c, x, 1, eps, entropy).status(), "eps " + eps);
        }
        assertArrayEquals(new double[] {0.5, 0.5, 0}, solve(c, 1, 1e-300, entropy), 1e-15);
    }

    @Test
    void checkFlagsAnAnswerThatIsNotTheSolution() {
        double[] c = {1, 0.5, -0.3, 2, 0.1};
        assertEquals(Status.NUMERICAL_FAILURE, TopK.check(c, new double[] {1, 1, 0, 1, 0}, 2, 1e-300,
                Entropy.BINARY).status(), "sum 3 with k = 2");
        assertEquals(Status.NUMERICAL_FAILURE, TopK.check(c, new double[] {Double.NaN, 0, 0, 1, 1}, 2, 1,
                Entropy.BINARY).status());
        double[] x = solve(c, 2, 0.5, Entropy.BINARY);
        double[] moved = x.clone();
        moved[0] += 1e-3;
        moved[1] -= 1e-3;
        TopK.Check check = TopK.check(c, moved, 2, 0.5, Entropy.BINARY);
        assertEquals(0.0, check.sumError(), 1e-15);
        assertTrue(check.stationarity() > 1e-4, "feasible but not stationary: " + check.stationarity());
        assertEquals(Status.NUMERICAL_FAILURE, check.status());
    }

    /** Random scores of scale 1e-300..1e300 (with ties), eps 1e-300..1e300: optimal, and equal to the reference. */
    @ParameterizedTest
    @EnumSource(Entropy.class)
    void agreesWithAnIndependentDecimalBisection(Entropy entropy) {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 25; trial++) {
            int n = 2 + rng.nextInt(7);
            int k = 1 + rng.nextInt(n - 1);
            double scale = Math.pow(10, rng.nextDouble(-300, 300));
            double eps = Math.pow(10, rng.nextDouble(-300, 300));
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = rng.nextInt(4) == 0 && i > 0 ? c[rng.nextInt(i)] : scale * rng.nextGaussian();
            }
            String label = "c " + Arrays.toString(c) + ", k " + k + ", eps " + eps;
            double[] x = solve(c, k, eps, entropy);
            assertEquals(Status.OPTIMAL, TopK.check(c, x, k, eps, entropy).status(), label);
            assertArrayEquals(reference(c, k, eps, entropy), x, 1e-9, label);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (c[i] == c[j]) {
                        assertEquals(x[i], x[j], 0.0, "ties, " + label);
                    }
                }
            }
        }
    }

    /** As eps -> 0 (relative to the gap between the k-th and (k+1)-th scores) x tends to the top-k indicator. */
    @ParameterizedTest
    @EnumSource(Entropy.class)
    void smallEpsGivesTheIndicatorOfTheKLargest(Entropy entropy) {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 100; trial++) {
            int n = 2 + rng.nextInt(30);
            int k = 1 + rng.nextInt(n - 1);
            double scale = Math.pow(10, rng.nextDouble(-100, 100));
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = scale * rng.nextGaussian();
            }
            double[] sorted = c.clone();
            Arrays.sort(sorted);
            double threshold = sorted[n - k];
            double gap = threshold - sorted[n - k - 1];
            double eps = gap / 100 * Math.pow(10, -rng.nextDouble(0, 150));
            double[] x = solve(c, k, eps, entropy);
            for (int i = 0; i < n; i++) {
                assertEquals(c[i] >= threshold ? 1.0 : 0.0, x[i], 1e-12, "coordinate " + i + " of "
                        + Arrays.toString(c) + ", k " + k + ", eps " + eps);
            }
        }
    }

    /**
     * The reference: bisection on the scaled multiplier {@code t} in {@link BigDecimal}, with
     * {@code z_i = (c_i - c_(k)) / eps} exact to 34 digits whatever its magnitude; stops when the midpoint no
     * longer moves at that precision or the bracket is below {@code 1e-16}, and takes the end whose sum is
     * closer to {@code k} (on a plateau of the sum the bracket ends at a jump).
     */
    private static double[] reference(double[] c, int k, double eps, Entropy entropy) {
        MathContext mc = MathContext.DECIMAL128;
        int n = c.length;
        double[] sorted = c.clone();
        Arrays.sort(sorted);
        BigDecimal center = new BigDecimal(sorted[n - k], mc);
        BigDecimal e = new BigDecimal(eps, mc);
        BigDecimal[] z = new BigDecimal[n];
        BigDecimal minZ = null;
        for (int i = 0; i < n; i++) {
            // Beyond +-1e4 every phi(z_i - t) with t in the bracket below is 0 or 1 in double precision.
            z[i] = new BigDecimal(c[i], mc).subtract(center, mc).divide(e, mc).max(LIMIT.negate()).min(LIMIT);
            minZ = minZ == null ? z[i] : minZ.min(z[i]);
        }
        // The k largest z are >= 0: at t = 1000 the sum is below k, at t = max(min z, -3000) - 1000 at least k.
        BigDecimal lo = minZ.max(BigDecimal.valueOf(-3000)).subtract(BigDecimal.valueOf(1000));
        BigDecimal hi = BigDecimal.valueOf(1000);
        BigDecimal half = new BigDecimal("0.5");
        while (hi.subtract(lo).compareTo(new BigDecimal("1e-16")) > 0) {
            BigDecimal mid = lo.add(hi).multiply(half).round(mc);
            if (mid.compareTo(lo) <= 0 || mid.compareTo(hi) >= 0) {
                break;
            }
            double s = 0;
            for (BigDecimal zi : z) {
                s += phi(zi.subtract(mid, mc).doubleValue(), entropy);
            }
            if (s > k) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double[] below = evaluate(z, lo, entropy);
        double[] above = evaluate(z, hi, entropy);
        return Math.abs(Arrays.stream(below).sum() - k) < Math.abs(Arrays.stream(above).sum() - k) ? below : above;
    }

    private static double[] evaluate(BigDecimal[] z, BigDecimal t, Entropy entropy) {
        double[] x = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            x[i] = phi(z[i].subtract(t, MathContext.DECIMAL128).doubleValue(), entropy);
        }
        return x;
    }

    private static double phi(double u, Entropy entropy) {
        if (entropy == Entropy.SHANNON) {
            return Math.min(1.0, Math.exp(u - 1));
        }
        return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    }
}
