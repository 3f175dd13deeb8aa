package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/** Power-iteration estimates of the spectral radius {@code rho(M_b) = max |lambda(M_b)|} of each instance. */
public final class SpectralRadius {
    private SpectralRadius() {}

    /**
     * Estimates {@code rho(M_b)} for every instance by the power iteration {@code x_{k+1} = M x_k / ||M x_k||} from a
     * seeded random start. The estimate is the geometric mean of the growth factors over the last
     * {@code j = max(1, iterations / 2)} steps, {@code (||M^k x_0|| / ||M^{k-j} x_0||)^{1/j}}, which also converges
     * when the dominant eigenvalues are a complex-conjugate pair or of opposite signs (where single-step ratios
     * oscillate). It is an estimate: its error decays like {@code (|lambda_2| / rho)^{k/2}} plus an oscillation term of
     * order {@code 1/j}, and it can underestimate when the start is nearly orthogonal to the dominant eigenvectors.
     *
     * @param m the operator
     * @param iterations number of applications of m, at least 1
     * @param seed seed of the random start (deterministic for a given seed)
     * @return per instance the estimate; 0 if {@code M^k x_0} vanishes, NaN if m produced a non-finite value
     */
    public static double[] estimate(BatchedOperator m, int iterations, long seed) {
        Objects.requireNonNull(m, "m");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        int batch = m.batch();
        int n = m.dim();
        double[] x = new double[batch * n];
        double[] y = new double[batch * n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        double[] logGrowth = new double[batch];
        boolean[] done = new boolean[batch];
        Parallel.forEach(batch, 2L * n, b -> normalize(x, b * n, n, x, logGrowth, done, b, false));
        int window = Math.max(1, iterations / 2);
        for (int k = 1; k <= iterations; k++) {
            m.apply(x, y);
            boolean counted = k > iterations - window;
            Parallel.forEach(batch, 2L * n, b -> {
                if (!done[b]) {
                    normalize(y, b * n, n, x, logGrowth, done, b, counted);
                }
            });
        }
        double[] rho = new double[batch];
        for (int b = 0; b < batch; b++) {
            rho[b] = done[b] ? logGrowth[b] : Math.exp(logGrowth[b] / window);
        }
        return rho;
    }

    /**
     * Sets {@code x_b = y_b / ||y_b||} and adds {@code log ||y_b||} to the growth if counted; a zero or non-finite norm
     * ends the instance with estimate 0 or NaN (stored in {@code logGrowth}) and a zero row.
     */
    private static void normalize(double[] y, int o, int n, double[] x, double[] logGrowth, boolean[] done, int b,
            boolean counted) {
        double norm = Vec.norm(y, o, n);
        if (norm == 0 || !Double.isFinite(norm)) {
            done[b] = true;
            logGrowth[b] = norm == 0 ? 0 : Double.NaN;
            Arrays.fill(x, o, o + n, 0.0);
            return;
        }
        Vec.scale(1 / norm, y, o, x, o, n);
        if (counted) {
            logGrowth[b] += Math.log(norm);
        }
    }

    /**
     * @param a the operator {@code A}
     * @return the operator {@code x -> x - A x}; for {@code A = I - Phi^T} this is {@code Phi^T}, whose spectral radius
     *     is {@code rho(Phi)}
     */
    public static BatchedOperator identityMinus(BatchedOperator a) {
        Objects.requireNonNull(a, "a");
        return BatchedOperator.of(a.batch(), a.dim(), (x, y) -> {
            a.apply(x, y);
            for (int i = 0; i < y.length; i++) {
                y[i] = x[i] - y[i];
            }
        });
    }
}
