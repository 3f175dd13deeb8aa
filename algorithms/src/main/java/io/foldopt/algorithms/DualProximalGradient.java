package io.foldopt.algorithms;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.prox.Prox;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Dual proximal gradient (DPG / FDPG, Beck and Teboulle) for the generalized lasso / total-variation
 * problem {@code min_x 1/2 ||x - d||^2 + lambda ||D x||_1} with {@code D (k, n)}, {@code d (B, n)}.
 *
 * <p>The dual variable {@code y (k)} lives in the box {@code ||y||_inf <= lambda}; the primal point is
 * {@code x(y) = d - D^T y}, and the dual step is {@code y+ = clip(y + (1/L) D x(y), -lambda, lambda)}
 * with {@code L = ||D||_2^2} (power iteration). The state is {@code s = (y, x) (B, k + n)}, carrying
 * the primal point so that the solution is a slice of the state:
 * {@code U(y, x) = (y+, d - D^T y+)}. The {@code x} block of {@code U} ignores the incoming {@code x},
 * so {@code Phi = [[Phi_y, 0], [-D^T Phi_y, 0]]} has the spectral radius of the dual step,
 * {@code Phi_y = M (I - D D^T / L)} with {@code M} the 0/1 mask of the free duals
 * ({@code |y_i| < lambda}); {@code I - Phi} is nonsingular when the rows of {@code D} of the free duals
 * are linearly independent (the dual solution is then unique).
 *
 * <p>The layer parameter is {@code d}; {@code D} and {@code lambda} are captured {@link Var}s and
 * receive folded gradients when they require them. The step {@code 1/L} is a constant: the fixed
 * points do not depend on it. Forward solver: FDPG (FISTA on the dual, with adaptive restart) from
 * {@code y = 0}.
 */
public final class DualProximalGradient implements FoldableAlgorithm {
    private static final String NAME = "dual proximal gradient";
    private static final String[] PARAMS = {"d"};

    private final Var operator;
    private final Var lambda;
    private final int rows;
    private final int cols;
    private final double[] gram;
    private final double lipschitz;

    /**
     * @param operator {@code D (k, n)}, finite and nonzero
     * @param lambda the weight {@code lambda >= 0}, one element
     */
    public DualProximalGradient(Var operator, Var lambda) {
        Tensor dv = operator.value();
        if (dv.rank() != 2 || dv.size() == 0 || !dv.isFinite()) {
            throw new IllegalArgumentException(NAME + ": D must be a finite (k, n) matrix with k, n >= 1, got shape "
                    + Arrays.toString(dv.shape()) + (dv.isFinite() ? "" : " with a non-finite entry"));
        }
        if (lambda.value().size() != 1 || !(lambda.item() >= 0) || !Double.isFinite(lambda.item())) {
            throw new IllegalArgumentException(NAME + ": lambda must be one finite value >= 0, got "
                    + (lambda.value().size() == 1 ? String.valueOf(lambda.item()) : Arrays.toString(lambda.shape())));
        }
        this.operator = operator;
        this.lambda = lambda;
        this.rows = dv.dim(0);
        this.cols = dv.dim(1);
        this.gram = gram(dv.data(), rows, cols);
        this.lipschitz = largestEigenvalue(gram, rows);
        if (!(lipschitz > 0)) {
            throw new IllegalArgumentException(NAME + ": D must not be zero");
        }
    }

    /** @return {@code L = ||D||_2^2 = lambda_max(D D^T)}, the Lipschitz constant of the dual gradient */
    public double lipschitz() {
        return lipschitz;
    }

    /**
     * @return {@code U(y, x; d) = (y+, d - D^T y+)} with
     *     {@code y+ = clip(y + D (d - D^T y) / L, -lambda, lambda)}; params = {d}
     */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> {
            checkParams(new Tensor[] {params[0].value()});
            Var d = params[0];
            Var y = s.slice(0, rows);
            Var ascent = y.add(primal(y, d).matmul(operator.transpose()).mul(1.0 / lipschitz));
            Var next = Prox.boxIndicator(ascent, lambda.neg(), lambda);
            return Structure.concat(next, primal(next, d));
        };
    }

    /** @return {@code x = d - D^T y}, batched: {@code d - y D} */
    private Var primal(Var y, Var d) {
        return d.sub(y.matmul(operator));
    }

    /** @return the primal solution {@code x}, the last {@code n} columns of the state {@code (y, x)} */
    @Override
    public Var output(Var state) {
        return state.slice(rows, rows + cols);
    }

    /**
     * @return FDPG per instance in parallel: FISTA with restart on
     *     {@code T(y) = clip(y + (D d - D D^T y) / L, -lambda, lambda)}, returning {@code (y*, d - D^T y*)}
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        double[] dm = operator.value().data();
        double lam = lambda.item();
        double invL = 1.0 / lipschitz;
        ForwardSolver batched = ForwardSolver.perInstance((b, p) -> {
            double[] d = p[0];
            double[] dd = new double[rows];
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += dm[i * cols + j] * d[j];
                }
                dd[i] = s;
            }
            double[] y = FixedPointIteration.solve(NAME, b, new double[rows], (from, to) -> {
                for (int i = 0; i < rows; i++) {
                    double s = dd[i];
                    for (int l = 0; l < rows; l++) {
                        s -= gram[i * rows + l] * from[l];
                    }
                    to[i] = Math.min(Math.max(from[i] + invL * s, -lam), lam);
                }
            }, true, tol, maxIterations);
            double[] state = Arrays.copyOf(y, rows + cols);
            System.arraycopy(d, 0, state, rows, cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    state[rows + j] -= dm[i * cols + j] * y[i];
                }
            }
            return state;
        });
        return params -> {
            checkParams(params);
            return batched.solve(params);
        };
    }

    private void checkParams(Tensor[] params) {
        FixedPointIteration.checkParams(NAME, params, PARAMS, new int[] {cols});
    }

    /** @return {@code D D^T (k, k)} of a row-major {@code D (k, n)} */
    private static double[] gram(double[] dm, int k, int n) {
        double[] g = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int l = 0; l <= i; l++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += dm[i * n + j] * dm[l * n + j];
                }
                g[i * k + l] = s;
                g[l * k + i] = s;
            }
        }
        return g;
    }

    /**
     * @return the largest eigenvalue of a symmetric positive semidefinite {@code (k, k)} matrix: power
     *     iteration from a seeded random start until the Rayleigh quotient changes by at most
     *     {@code 1e-13} relatively (a lower bound, accurate to about {@code 1e-11} relatively)
     */
    private static double largestEigenvalue(double[] a, int k) {
        SplittableRandom rng = new SplittableRandom(0x1f0L);
        double[] v = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = rng.nextDouble(-1, 1);
        }
        double[] w = new double[k];
        double lambda = 0;
        for (int it = 0; it < 10_000; it++) {
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            double rayleigh = 0;
            for (int i = 0; i < k; i++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += a[i * k + l] * v[l];
                }
                w[i] = s / norm;
                rayleigh += v[i] / norm * w[i];
            }
            if (Math.abs(rayleigh - lambda) <= 1e-13 * rayleigh) {
                return rayleigh;
            }
            lambda = rayleigh;
            double[] t = v;
            v = w;
            w = t;
        }
        return lambda;
    }
}
