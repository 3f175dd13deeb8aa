package io.foldopt.algorithms;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.operator.LinearOperator;
import io.foldopt.prox.ProximalOperator;
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
 * <p>More generally, for {@code min_x 1/2 ||x - d||^2 + g(K x)} with a {@link LinearOperator} {@code K} and the
 * proximal operator of the conjugate {@code g*}, the dual step is
 * {@code y+ = prox_{g* / L}(y + K (d - K^T y) / L)} with {@code L} from a power-iteration estimate of
 * {@code ||K||^2} (times 1.05^2); for {@code g(z) = sum_k lambda_k ||z_k||_1} that is the clip of block {@code k}
 * to {@code [-lambda_k, lambda_k]} ({@link PrimalDualHybridGradient#weightedL1Conjugate}).
 *
 * <p>The layer parameter is {@code d}; {@code D} (or the parameters of {@code K}) and {@code lambda} (or those of
 * {@code g*}) are captured and receive folded gradients when they require them. The step {@code 1/L} is a
 * constant: the fixed points do not depend on it. Forward solver: FDPG (FISTA on the dual, with adaptive restart)
 * from {@code y = 0}, with {@code K} applied outside the graph.
 */
public final class DualProximalGradient implements FoldableAlgorithm {
    private static final String NAME = "dual proximal gradient";
    private static final String[] PARAMS = {"d"};
    private static final double NORM_MARGIN = 1.05;

    private final LinearOperator k;
    private final ProximalOperator gStar;
    private final int rows;
    private final int cols;
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
        this.k = new MatrixOperator(operator);
        this.gStar = ProximalOperator.box(lambda.neg(), lambda);
        this.rows = dv.dim(0);
        this.cols = dv.dim(1);
        this.lipschitz = largestEigenvalue(gram(dv.data(), rows, cols), rows);
        if (!(lipschitz > 0)) {
            throw new IllegalArgumentException(NAME + ": D must not be zero");
        }
    }

    /**
     * @param k the operator {@code K (m, n)}, nonzero
     * @param gStar the proximal operator of {@code g*} on {@code R^m}
     */
    public DualProximalGradient(LinearOperator k, ProximalOperator gStar) {
        double norm = NORM_MARGIN * PrimalDualHybridGradient.operatorNorm(k);
        this.k = k;
        this.gStar = gStar;
        this.rows = k.rows();
        this.cols = k.cols();
        this.lipschitz = norm * norm;
    }

    /** @return {@code L}: {@code ||D||_2^2 = lambda_max(D D^T)} for a matrix, the bound on {@code ||K||^2} otherwise */
    public double lipschitz() {
        return lipschitz;
    }

    /**
     * @return {@code U(y, x; d) = (y+, d - K^T y+)} with
     *     {@code y+ = prox_{g* / L}(y + K (d - K^T y) / L)}; params = {d}
     */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> {
            checkParams(new Tensor[] {params[0].value()});
            Var d = params[0];
            Var y = s.slice(0, rows);
            Var ascent = y.add(k.apply(primal(y, d)).mul(1.0 / lipschitz));
            Var next = gStar.apply(ascent, 1.0 / lipschitz);
            return Structure.concat(next, primal(next, d));
        };
    }

    /** @return {@code x = d - K^T y}, batched */
    private Var primal(Var y, Var d) {
        return d.sub(k.adjoint(y));
    }

    /** @return the primal solution {@code x}, the last {@code n} columns of the state {@code (y, x)} */
    @Override
    public Var output(Var state) {
        return state.slice(rows, rows + cols);
    }

    /**
     * @return FDPG per instance in parallel: FISTA with restart on
     *     {@code T(y) = prox_{g* / L}(y + K (d - K^T y) / L)}, returning {@code (y*, d - K^T y*)}
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        double invL = 1.0 / lipschitz;
        ForwardSolver batched = ForwardSolver.perInstance((b, p) -> {
            double[] d = p[0];
            double[] y = FixedPointIteration.solve(NAME, b, new double[rows], (from, to) -> {
                double[] x = primal(from, d);
                double[] kx = OutsideGraph.apply(k::apply, x);
                for (int i = 0; i < rows; i++) {
                    to[i] = from[i] + invL * kx[i];
                }
                gStar.applyInPlace(to, invL);
            }, true, tol, maxIterations);
            double[] state = Arrays.copyOf(y, rows + cols);
            System.arraycopy(primal(y, d), 0, state, rows, cols);
            return state;
        });
        return params -> {
            checkParams(params);
            return batched.solve(params);
        };
    }

    /** @return {@code d - K^T y} for one instance */
    private double[] primal(double[] y, double[] d) {
        double[] kty = OutsideGraph.apply(k::adjoint, y);
        double[] x = new double[cols];
        for (int j = 0; j < cols; j++) {
            x[j] = d[j] - kty[j];
        }
        return x;
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
