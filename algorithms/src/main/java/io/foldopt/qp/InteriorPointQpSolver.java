package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A primal-dual interior-point method with Mehrotra's predictor-corrector on the homogeneous self-dual
 * embedding of the QP, so that infeasible and unbounded instances end with a certificate rather than
 * diverging.
 *
 * <p><b>Embedding</b> (the quadratic homogeneous embedding of Clarabel, Goulart and Chen 2024). With slacks
 * {@code s >= 0}, multipliers {@code nu, lambda >= 0} and two scalars {@code tau, kappa >= 0}, the iterates
 * approach {@code s o lambda = mu e}, {@code tau kappa = mu} with {@code mu -> 0} while driving to zero
 *
 * <pre>
 *   r_x   = P x + A^T nu + G^T lambda + q tau
 *   r_nu  = A x - b tau
 *   r_lam = G x + s - h tau
 *   r_tau = q^T x + b^T nu + h^T lambda + kappa + x^T P x / tau.
 * </pre>
 *
 * If {@code tau} stays positive, {@code (x, nu, lambda) / tau} tends to a KKT point; if {@code tau -> 0}
 * and {@code kappa > 0}, {@code (nu, lambda)} tends to a Farkas certificate of infeasibility
 * ({@code A^T nu + G^T lambda = 0}, {@code b^T nu + h^T lambda < 0}) or {@code x} to a direction of
 * unboundedness ({@code P x = 0}, {@code A x = 0}, {@code G x <= 0}, {@code q^T x < 0}).
 *
 * <p><b>Newton step.</b> Eliminating {@code ds} and {@code dlambda} leaves one system per right-hand side
 * with the matrix
 *
 * <pre>
 *   K = [ P + G^T W G   A^T ]     W = diag(lambda / s),
 *       [ A             0   ]
 * </pre>
 *
 * (the normal equations {@code P + G^T W G} with the equalities in a KKT block), factored once per iteration
 * by {@link QuasiDefiniteLdl} (static regularization {@code 1e-9 max(1, max P_ii)} plus dynamic pivot
 * regularization) and solved three times: once for the {@code tau} column {@code (-q, b, h)}, once for the
 * affine (predictor) step and once for the combined step with Mehrotra's centering
 * {@code sigma = (mu_aff / mu)^3} and second-order correction {@code ds_aff o dlambda_aff}. Each solve is
 * refined twice against the unreduced system {@code P dx + A^T dnu + G^T dlam = r_1}, {@code A dx = r_2},
 * {@code G dx - W^{-1} dlam = r_3}, which removes the regularization and the error that the reduction
 * amplifies by {@code W} (whose range grows like {@code 1 / mu}). {@code dtau} follows from the linearized
 * {@code r_tau} equation. Steps go to 0.99 of the way to the boundary of the cone.
 *
 * <p><b>Stopping.</b> With {@code xi = x / tau}, the merit is the largest of
 * {@code ||(r_nu, r_lam)||_inf / tau / (1 + max(||b||, ||h||, ||xi||, ||s / tau||))},
 * {@code ||r_x||_inf / tau / (1 + max(||q||, ||P xi||, ||A^T nu + G^T lambda|| / tau))} and the gap
 * {@code s^T lambda / tau^2 / (1 + min(|primal objective|, |dual objective|))}; the iterate is optimal when the
 * merit is at most {@code eps}. Infeasible when {@code tau <= kappa}, {@code b^T nu + h^T lambda < 0} and
 * {@code ||A^T nu + G^T lambda||_inf <= eps_inf |b^T nu + h^T lambda|}; unbounded when {@code tau <= kappa},
 * {@code q^T x < 0} and {@code ||P x||, ||A x||, ||max(G x, 0)|| <= eps_inf |q^T x|}. The iterate of smallest
 * merit is kept; ten iterations without a new best (while {@code tau > kappa}: an iterate heading for a
 * certificate does not improve the merit), a step below {@code 1e-10} or a non-finite direction end the run as a
 * stall (on degenerate instances the residuals of the reduced Newton systems stall near
 * {@code 1e-9}); the scaled run counts as optimal if the best merit met {@code eps}.
 *
 * <p><b>Polish.</b> Once the merit is below {@code 1e-6}, every iterate's guessed active set
 * {@code S = {i : lambda_i > s_i}} defines the equality-constrained KKT system {@link ActiveSetKkt}
 * {@code K_S (z, nu, lambda_S) = (-q, b, h_S)}, and up to three primal-dual active-set corrections (drop
 * negative multipliers, add violated constraints: {@link ActiveSetKkt#polish}) fix the constraints the
 * iterate cannot classify yet; the solution (with {@code lambda_S} clipped at 0) is returned
 * as soon as its {@link QpProblem#kktResidual KKT residual} is below {@code 1e-2 eps (1 + max(||q||, ||b||,
 * ||h||))}, which on a nondegenerate instance gives a residual of the order of rounding errors, usually
 * before the interior-point merit reaches {@code eps}. Meanwhile the iteration runs on to
 * {@code 1e-2 eps} (or a stall), so that a constraint with a small multiplier can settle. If no polished
 * point is accepted (dependent active constraints make {@code K_S} singular), the best iterate is returned,
 * or its polished point if that has the smaller residual.
 *
 * <p><b>Scaling and verification.</b> The iteration runs on the {@link QpScaling Ruiz-equilibrated} problem
 * (variables, constraint rows and objective scaled by powers of two so that every column of the KKT matrix has
 * infinity norm about 1), on which the tolerances above are meaningful whatever the units of the data. Nothing
 * is reported from the scaled problem alone: a certificate found there is mapped back and accepted only if its
 * relative violation on the original data ({@link QpProblem#farkasViolation}, {@link QpProblem#rayViolation}) is
 * at most {@code sqrt(eps_inf)} (otherwise the iteration goes on), and the returned point is mapped back and
 * reported {@link Status#OPTIMAL} only if its {@link QpProblem#relativeKktResidual relative KKT residual} on the
 * original data is at most {@code 100 eps} (or its absolute KKT residual at most {@code eps} times the largest
 * entry of the data), {@link Status#OPTIMAL_INACCURATE} if the relative residual is at most {@code sqrt(eps)}, and
 * otherwise with the scaled run's status ({@link Status#ITERATION_LIMIT}, or {@link Status#NUMERICAL_FAILURE}
 * for a stall or a point that is optimal only on the scaled data). Stateless and thread-safe.
 */
public final class InteriorPointQpSolver implements QpSolver {
    /** Static regularization of the Newton systems. */
    private static final double STATIC_REGULARIZATION = 1e-9;
    /** Fraction of the step to the boundary that is taken. */
    private static final double STEP_FRACTION = 0.99;
    /** A step shorter than this counts as a stall. */
    private static final double MIN_STEP = 1e-10;
    /** Iterations without a new smallest merit that count as a stall. */
    private static final int STALL_ITERATIONS = 10;
    /** Merit below which each iterate's active-set guess is polished. */
    private static final double POLISH_START = 1e-6;
    /**
     * A polished point is accepted when its KKT residual is below {@code POLISH_TARGET * eps * dataScale};
     * with polishing on, the iteration itself continues to {@code POLISH_TARGET * eps} (or a stall) so that
     * the active set can settle.
     */
    private static final double POLISH_TARGET = 1e-2;
    /** A solution is optimal when its relative KKT residual on the original data is at most this times eps. */
    private static final double ACCURATE_FACTOR = 100;
    /** Refinement steps on the unreduced Newton system. */
    private static final int FULL_REFINEMENTS = 2;

    private final double tolerance;
    private final double infeasibilityTolerance;
    private final int maxIterations;
    private final boolean polish;

    /** Tolerance {@code 1e-8}, certificate tolerance {@code 1e-8}, 100 iterations, with polish. */
    public InteriorPointQpSolver() {
        this(1e-8, 1e-8, 100, true);
    }

    /**
     * @param tolerance {@code eps} of the optimality test (relative, see the class comment)
     * @param infeasibilityTolerance {@code eps_inf} of the certificate tests
     * @param maxIterations Newton steps allowed
     * @param polish whether to polish active-set guesses (see the class comment)
     */
    public InteriorPointQpSolver(double tolerance, double infeasibilityTolerance, int maxIterations, boolean polish) {
        if (!(tolerance > 0 && tolerance < 1) || !(infeasibilityTolerance > 0 && infeasibilityTolerance < 1)) {
            throw new IllegalArgumentException("tolerances must be in (0, 1), got " + tolerance + " and "
                    + infeasibilityTolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        this.tolerance = tolerance;
        this.infeasibilityTolerance = infeasibilityTolerance;
        this.maxIterations = maxIterations;
        this.polish = polish;
    }

    @Override
    public QpSolution solve(QpProblem problem) {
        return new Run(QpScaling.ruiz(problem)).solve();
    }

    /** The state and workspace of one solve. */
    private final class Run {
        private final QpScaling scaling;
        /** The problem as given. */
        private final QpProblem original;
        /** The scaled problem, on which the iteration runs. */
        private final QpProblem pr;
        private final int n;
        private final int p;
        private final int m;
        private final int dim;
        private final double normQ;
        private final double normB;
        private final double normH;
        /** {@code 1 + max(||q||, ||b||, ||h||)}: the scale of the absolute KKT residual. */
        private final double dataScale;
        private final double[] negQ;
        private final double delta;
        /** {@code A^T} and {@code G^T}, row-major. */
        private final double[] at;
        private final double[] gt;

        // Iterate.
        private final double[] x;
        private final double[] nu;
        private final double[] lam;
        private final double[] s;
        private double tau = 1;
        private double kappa = 1;

        // The iterate of smallest merit so far, and its merit.
        private final double[] bestX;
        private final double[] bestNu;
        private final double[] bestLam;
        private final double[] bestS;
        private double bestTau = 1;
        private double bestMerit = Double.POSITIVE_INFINITY;

        // Residuals at the iterate.
        private final double[] px;
        private final double[] aty;
        private final double[] rx;
        private final double[] rnu;
        private final double[] rlam;
        private double xpx;
        private double rtau;

        // Newton systems.
        private final double[] w;
        private final double[] kkt;
        private final QuasiDefiniteLdl ldl;
        private final double[] rhs;
        private final double[] tmpN;
        private final double[] tmpM;
        private final double[] resX;
        private final double[] resNu;
        private final double[] resLam;
        private final double[] corrX;
        private final double[] corrNu;
        private final double[] corrLam;

        // Directions: the tau column (1), a right-hand-side solve (2), the assembled step (d*), the affine step.
        private final double[] x1;
        private final double[] nu1;
        private final double[] lam1;
        private final double[] x2;
        private final double[] nu2;
        private final double[] lam2;
        private final double[] dx;
        private final double[] dnu;
        private final double[] dlam;
        private final double[] ds;
        private final double[] dsAff;
        private final double[] dlamAff;
        private final double[] qp;
        private final double[] rxStep;
        private final double[] rnuStep;
        private final double[] rlamStep;
        private final double[] comp;
        private double dtau;
        private double dkappa;

        Run(QpScaling scaling) {
            this.scaling = scaling;
            this.original = scaling.original();
            this.pr = scaling.scaled();
            n = pr.n;
            p = pr.p;
            m = pr.m;
            dim = n + p;
            normQ = Vec.normInf(pr.q);
            normB = Vec.normInf(pr.b);
            normH = Vec.normInf(pr.h);
            dataScale = 1 + Math.max(normQ, Math.max(normB, normH));
            negQ = new double[n];
            for (int j = 0; j < n; j++) {
                negQ[j] = -pr.q[j];
            }
            double maxDiag = 1;
            for (int j = 0; j < n; j++) {
                maxDiag = Math.max(maxDiag, Math.abs(pr.pm[j * n + j]));
            }
            delta = STATIC_REGULARIZATION * maxDiag;
            at = Dense.transpose(pr.a, p, n);
            gt = Dense.transpose(pr.g, m, n);
            x = new double[n];
            nu = new double[p];
            lam = new double[m];
            s = new double[m];
            px = new double[n];
            aty = new double[n];
            rx = new double[n];
            rnu = new double[p];
            rlam = new double[m];
            w = new double[m];
            kkt = new double[dim * dim];
            ldl = new QuasiDefiniteLdl(dim, n);
            rhs = new double[dim];
            tmpN = new double[n];
            tmpM = new double[m];
            resX = new double[n];
            resNu = new double[p];
            resLam = new double[m];
            corrX = new double[n];
            corrNu = new double[p];
            corrLam = new double[m];
            x1 = new double[n];
            nu1 = new double[p];
            lam1 = new double[m];
            x2 = new double[n];
            nu2 = new double[p];
            lam2 = new double[m];
            dx = new double[n];
            dnu = new double[p];
            dlam = new double[m];
            ds = new double[m];
            dsAff = new double[m];
            dlamAff = new double[m];
            qp = new double[n];
            rxStep = new double[n];
            rnuStep = new double[p];
            rlamStep = new double[m];
            comp = new double[m];
            bestX = new double[n];
            bestNu = new double[p];
            bestLam = new double[m];
            bestS = new double[m];
        }

        QpSolution solve() {
            initialize();
            Status status;
            int iter = 0;
            int sinceBest = 0;
            while (true) {
                computeResiduals();
                double merit = merit();
                if (merit < bestMerit) {
                    bestMerit = merit;
                    saveBest();
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                if (polish && merit <= POLISH_START) {
                    QpSolution polished = polish(lam, s, Status.OPTIMAL, iter);
                    if (polished != null && polished.kktResidual() <= POLISH_TARGET * tolerance * dataScale) {
                        return verified(polished);
                    }
                }
                if (merit <= (polish ? POLISH_TARGET : 1.0) * tolerance) {
                    status = Status.OPTIMAL;
                    break;
                }
                QpSolution certificate = certificate(iter);
                if (certificate != null) {
                    return certificate;
                }
                if (iter == maxIterations || sinceBest >= STALL_ITERATIONS && tau > kappa || !step()) {
                    status = bestMerit <= tolerance ? Status.OPTIMAL
                            : iter == maxIterations ? Status.ITERATION_LIMIT : Status.NUMERICAL_FAILURE;
                    break;
                }
                iter++;
            }
            return verified(finish(status, iter));
        }

        private void saveBest() {
            System.arraycopy(x, 0, bestX, 0, n);
            System.arraycopy(nu, 0, bestNu, 0, p);
            System.arraycopy(lam, 0, bestLam, 0, m);
            System.arraycopy(s, 0, bestS, 0, m);
            bestTau = tau;
        }

        /**
         * Starting point (as in CVXOPT's coneqp): with {@code W = I}, solve for the minimizer of
         * {@code 1/2 x^T P x + q^T x + 1/2 ||G x - h||^2} subject to {@code A x = b}, set
         * {@code lambda = G x - h}, {@code s = -lambda}, and shift each of {@code s}, {@code lambda} by
         * {@code 1 + max(0, -min)} into the interior when it is not already positive.
         */
        private void initialize() {
            Arrays.fill(w, 1.0);
            factor();
            direction(negQ, pr.b, pr.h, x, nu, lam);
            for (int i = 0; i < m; i++) {
                s[i] = -lam[i];
            }
            shiftIntoInterior(s);
            shiftIntoInterior(lam);
        }

        private void shiftIntoInterior(double[] v) {
            double alpha = Double.NEGATIVE_INFINITY;
            for (double vi : v) {
                alpha = Math.max(alpha, -vi);
            }
            if (alpha >= 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += 1 + alpha;
                }
            }
        }

        private void computeResiduals() {
            multiplyP(x, px);
            Dense.multiplyTranspose(pr.a, p, n, nu, aty);
            Dense.multiplyTranspose(pr.g, m, n, lam, tmpN);
            for (int j = 0; j < n; j++) {
                aty[j] += tmpN[j];
                rx[j] = px[j] + aty[j] + pr.q[j] * tau;
            }
            multiplyA(x, rnu);
            for (int i = 0; i < p; i++) {
                rnu[i] -= pr.b[i] * tau;
            }
            multiplyG(x, rlam);
            for (int i = 0; i < m; i++) {
                rlam[i] += s[i] - pr.h[i] * tau;
            }
            xpx = Vec.dot(x, px);
            rtau = Vec.dot(pr.q, x) + dualObjectiveTerm() + kappa + xpx / tau;
        }

        /**
         * {@code out = P v}, as {@code sum_j v_j P[j, :]} ({@code P} is symmetric): the products of this class
         * run as vectorizable {@code axpy} sweeps over rows.
         */
        private void multiplyP(double[] v, double[] out) {
            Dense.multiplyTranspose(pr.pm, n, n, v, out);
        }

        /** {@code out = A v}, as {@code (A^T)^T v} over the rows of the stored transpose. */
        private void multiplyA(double[] v, double[] out) {
            Dense.multiplyTranspose(at, n, p, v, out);
        }

        /** {@code out = G v}, as {@code (G^T)^T v} over the rows of the stored transpose. */
        private void multiplyG(double[] v, double[] out) {
            Dense.multiplyTranspose(gt, n, m, v, out);
        }

        /** @return {@code b^T nu + h^T lambda} */
        private double dualObjectiveTerm() {
            return Vec.dot(pr.b, nu) + Vec.dot(pr.h, lam);
        }

        /**
         * @return the largest of the scaled primal residual, dual residual and gap, each divided by its
         *     scale (see the class comment): the iterate is optimal when this is at most the tolerance
         */
        private double merit() {
            double primal = Math.max(Vec.normInf(rnu), Vec.normInf(rlam)) / tau;
            double dual = Vec.normInf(rx) / tau;
            double gap = Vec.dot(s, lam) / (tau * tau);
            double pobj = 0.5 * xpx / (tau * tau) + Vec.dot(pr.q, x) / tau;
            double dobj = -0.5 * xpx / (tau * tau) - dualObjectiveTerm() / tau;
            double primalScale = 1 + Math.max(Math.max(normB, normH), Math.max(Vec.normInf(x), Vec.normInf(s)) / tau);
            double dualScale = 1 + Math.max(normQ, Math.max(Vec.normInf(px), Vec.normInf(aty)) / tau);
            double merit = Math.max(Math.max(primal / primalScale, dual / dualScale),
                    gap / (1 + Math.min(Math.abs(pobj), Math.abs(dobj))));
            return Double.isNaN(merit) ? Double.POSITIVE_INFINITY : merit;
        }

        /**
         * @return a certificate (of the original problem) if the iterate proves infeasibility or unboundedness of
         *     the scaled problem and, mapped back, passes the relative test of {@link QpProblem#farkasViolation} or
         *     {@link QpProblem#rayViolation} on the original data; else null
         */
        private QpSolution certificate(int iter) {
            if (tau > kappa) {
                return null;
            }
            double by = dualObjectiveTerm();
            if (by < 0 && Vec.normInf(aty) <= infeasibilityTolerance * -by) {
                double[] nuC = scaling.rows(nu, 0, 1.0);
                double[] lamC = scaling.rows(lam, p, 1.0);
                for (int i = 0; i < m; i++) {
                    lamC[i] = Math.max(0.0, lamC[i]);
                }
                double bound = -(Vec.dot(original.b, nuC) + Vec.dot(original.h, lamC));
                if (original.farkasViolation(nuC, lamC) <= certificateCheck()) {
                    Vec.scale(1 / bound, nuC, 0, nuC, 0, p);
                    Vec.scale(1 / bound, lamC, 0, lamC, 0, m);
                    return originalResult(new double[n], nuC, lamC, Status.INFEASIBLE, iter);
                }
            }
            double qx = Vec.dot(pr.q, x);
            if (qx < 0) {
                double bound = infeasibilityTolerance * -qx;
                double violation = Vec.normInf(px);
                for (int i = 0; i < p; i++) {
                    violation = Math.max(violation, Math.abs(rnu[i] + pr.b[i] * tau));
                }
                for (int i = 0; i < m; i++) {
                    violation = Math.max(violation, rlam[i] - s[i] + pr.h[i] * tau);
                }
                double[] d = scaling.primal(x);
                if (violation <= bound && original.rayViolation(d) <= certificateCheck()) {
                    Vec.scale(-1 / Vec.dot(original.q, d), d, 0, d, 0, n);
                    return originalResult(d, new double[p], new double[m], Status.UNBOUNDED, iter);
                }
            }
            return null;
        }

        /** @return the relative violation up to which a certificate is accepted on the original data */
        private double certificateCheck() {
            return Math.sqrt(infeasibilityTolerance);
        }

        /**
         * Builds the upper triangle of {@code K = [P + G^T W G, A^T; A, 0]} (all that {@link QuasiDefiniteLdl}
         * reads) and factors it.
         */
        private void factor() {
            Arrays.fill(kkt, 0.0);
            for (int r = 0; r < n; r++) {
                System.arraycopy(pr.pm, r * n + r, kkt, r * dim + r, n - r);
            }
            for (int i = 0; i < m; i++) {
                int gi = i * n;
                for (int r = 0; r < n; r++) {
                    double coef = w[i] * pr.g[gi + r];
                    if (coef != 0) {
                        Vec.axpy(coef, pr.g, gi + r, kkt, r * dim + r, n - r);
                    }
                }
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < n; j++) {
                    kkt[j * dim + n + i] = pr.a[i * n + j];
                }
            }
            ldl.factor(kkt, delta);
        }

        /**
         * Solves the unreduced Newton system {@code P dx + A^T dnu + G^T dlam = ax}, {@code A dx = anu},
         * {@code G dx - W^{-1} dlam = alam}: one {@link #reducedSolve}, then up to
         * {@value #FULL_REFINEMENTS} steps of iterative refinement on the unreduced residual, each kept only
         * if it shrinks that residual. The reduction multiplies errors in {@code dx} by {@code W}, whose
         * range grows like {@code 1 / mu}; refining on the unreduced system removes most of that error.
         */
        private void direction(double[] ax, double[] anu, double[] alam, double[] dxOut, double[] dnuOut,
                double[] dlamOut) {
            reducedSolve(ax, anu, alam, dxOut, dnuOut, dlamOut);
            double best = unreducedResidual(ax, anu, alam, dxOut, dnuOut, dlamOut);
            for (int it = 0; it < FULL_REFINEMENTS && best > 0; it++) {
                reducedSolve(resX, resNu, resLam, corrX, corrNu, corrLam);
                Vec.axpy(1.0, corrX, 0, dxOut, 0, n);
                Vec.axpy(1.0, corrNu, 0, dnuOut, 0, p);
                Vec.axpy(1.0, corrLam, 0, dlamOut, 0, m);
                double next = unreducedResidual(ax, anu, alam, dxOut, dnuOut, dlamOut);
                if (!(next < best)) {
                    Vec.axpy(-1.0, corrX, 0, dxOut, 0, n);
                    Vec.axpy(-1.0, corrNu, 0, dnuOut, 0, p);
                    Vec.axpy(-1.0, corrLam, 0, dlamOut, 0, m);
                    return;
                }
                best = next;
            }
        }

        /**
         * The reduced solve: {@code K (dx, dnu) = (ax + G^T W alam, anu)}, {@code dlam = W (G dx - alam)}.
         */
        private void reducedSolve(double[] ax, double[] anu, double[] alam, double[] dxOut, double[] dnuOut,
                double[] dlamOut) {
            for (int i = 0; i < m; i++) {
                tmpM[i] = w[i] * alam[i];
            }
            Dense.multiplyTranspose(pr.g, m, n, tmpM, tmpN);
            for (int j = 0; j < n; j++) {
                rhs[j] = ax[j] + tmpN[j];
            }
            System.arraycopy(anu, 0, rhs, n, p);
            ldl.solve(rhs);
            System.arraycopy(rhs, 0, dxOut, 0, n);
            System.arraycopy(rhs, n, dnuOut, 0, p);
            multiplyG(dxOut, dlamOut);
            for (int i = 0; i < m; i++) {
                dlamOut[i] = w[i] * (dlamOut[i] - alam[i]);
            }
        }

        /**
         * Sets {@code (resX, resNu, resLam)} to the residual of the unreduced system at {@code (dx, dnu, dlam)}.
         *
         * @return its infinity norm
         */
        private double unreducedResidual(double[] ax, double[] anu, double[] alam, double[] dxIn, double[] dnuIn,
                double[] dlamIn) {
            multiplyP(dxIn, resX);
            Dense.multiplyTranspose(pr.a, p, n, dnuIn, tmpN);
            Vec.axpy(1.0, tmpN, 0, resX, 0, n);
            Dense.multiplyTranspose(pr.g, m, n, dlamIn, tmpN);
            double worst = 0;
            for (int j = 0; j < n; j++) {
                resX[j] = ax[j] - resX[j] - tmpN[j];
                worst = Math.max(worst, Math.abs(resX[j]));
            }
            multiplyA(dxIn, resNu);
            for (int i = 0; i < p; i++) {
                resNu[i] = anu[i] - resNu[i];
                worst = Math.max(worst, Math.abs(resNu[i]));
            }
            multiplyG(dxIn, resLam);
            for (int i = 0; i < m; i++) {
                resLam[i] = alam[i] - resLam[i] + dlamIn[i] / w[i];
                worst = Math.max(worst, Math.abs(resLam[i]));
            }
            return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
        }

        /**
         * One predictor-corrector step.
         *
         * @return false if the step is not finite or shorter than {@link #MIN_STEP} (the iterate is then
         *     unchanged)
         */
        private boolean step() {
            for (int i = 0; i < m; i++) {
                w[i] = lam[i] / s[i];
            }
            factor();
            direction(negQ, pr.b, pr.h, x1, nu1, lam1);
            for (int j = 0; j < n; j++) {
                qp[j] = pr.q[j] + 2 * px[j] / tau;
            }
            double denominator = Vec.dot(qp, x1) + Vec.dot(pr.b, nu1) + Vec.dot(pr.h, lam1) - kappa / tau
                    - xpx / (tau * tau);
            // Predictor: eta = 1, target complementarity 0.
            for (int i = 0; i < m; i++) {
                comp[i] = s[i] * lam[i];
            }
            newtonStep(1.0, tau * kappa, denominator);
            double alphaAff = Math.min(1.0, maxStep());
            System.arraycopy(ds, 0, dsAff, 0, m);
            System.arraycopy(dlam, 0, dlamAff, 0, m);
            double dtauAff = dtau;
            double dkappaAff = dkappa;
            double mu = (Vec.dot(s, lam) + tau * kappa) / (m + 1);
            double muAff = (tau + alphaAff * dtau) * (kappa + alphaAff * dkappa);
            for (int i = 0; i < m; i++) {
                muAff += (s[i] + alphaAff * ds[i]) * (lam[i] + alphaAff * dlam[i]);
            }
            muAff /= m + 1;
            double sigma = Math.pow(Math.max(0.0, muAff / mu), 3);
            // Corrector: eta = 1 - sigma, centering sigma mu and the second-order term.
            for (int i = 0; i < m; i++) {
                comp[i] = s[i] * lam[i] + dsAff[i] * dlamAff[i] - sigma * mu;
            }
            newtonStep(1 - sigma, tau * kappa + dtauAff * dkappaAff - sigma * mu, denominator);
            if (!Vec.allFinite(dx) || !Vec.allFinite(dnu) || !Vec.allFinite(dlam) || !Vec.allFinite(ds)
                    || !Double.isFinite(dtau) || !Double.isFinite(dkappa)) {
                return false;
            }
            double alpha = Math.min(1.0, STEP_FRACTION * maxStep());
            if (!(alpha >= MIN_STEP)) {
                return false;
            }
            Vec.axpy(alpha, dx, 0, x, 0, n);
            Vec.axpy(alpha, dnu, 0, nu, 0, p);
            Vec.axpy(alpha, dlam, 0, lam, 0, m);
            Vec.axpy(alpha, ds, 0, s, 0, m);
            tau += alpha * dtau;
            kappa += alpha * dkappa;
            return true;
        }

        /**
         * The Newton direction for residual weight {@code eta}, complementarity right-hand side {@code comp}
         * ({@code d_s}) and {@code d_kappa}: {@code dx = x2 + dtau x1} etc., with
         * {@code dtau = (-eta r_tau + d_kappa / tau - (q + 2 P xi)^T x2 - b^T nu2 - h^T lam2) / denominator},
         * {@code ds = -(d_s + s o dlam) / lambda} and {@code dkappa = -(d_kappa + kappa dtau) / tau}.
         */
        private void newtonStep(double eta, double dk, double denominator) {
            for (int j = 0; j < n; j++) {
                rxStep[j] = -eta * rx[j];
            }
            for (int i = 0; i < p; i++) {
                rnuStep[i] = -eta * rnu[i];
            }
            for (int i = 0; i < m; i++) {
                rlamStep[i] = -eta * rlam[i] + comp[i] / lam[i];
            }
            direction(rxStep, rnuStep, rlamStep, x2, nu2, lam2);
            dtau = (-eta * rtau + dk / tau - Vec.dot(qp, x2) - Vec.dot(pr.b, nu2) - Vec.dot(pr.h, lam2))
                    / denominator;
            for (int j = 0; j < n; j++) {
                dx[j] = x2[j] + dtau * x1[j];
            }
            for (int i = 0; i < p; i++) {
                dnu[i] = nu2[i] + dtau * nu1[i];
            }
            for (int i = 0; i < m; i++) {
                dlam[i] = lam2[i] + dtau * lam1[i];
                ds[i] = -(comp[i] + s[i] * dlam[i]) / lam[i];
            }
            dkappa = -(dk + kappa * dtau) / tau;
        }

        /** @return the largest {@code alpha} keeping {@code s, lambda, tau, kappa} nonnegative (may exceed 1) */
        private double maxStep() {
            double alpha = Double.POSITIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                if (ds[i] < 0) {
                    alpha = Math.min(alpha, -s[i] / ds[i]);
                }
                if (dlam[i] < 0) {
                    alpha = Math.min(alpha, -lam[i] / dlam[i]);
                }
            }
            if (dtau < 0) {
                alpha = Math.min(alpha, -tau / dtau);
            }
            if (dkappa < 0) {
                alpha = Math.min(alpha, -kappa / dkappa);
            }
            return alpha;
        }

        /** The solution at {@code (x, nu, lambda) / tau}, polished, with its status. */
        private QpSolution finish(Status status, int iter) {
            double[] z = new double[n];
            double[] nuS = new double[p];
            double[] lamS = new double[m];
            for (int j = 0; j < n; j++) {
                z[j] = bestX[j] / bestTau;
            }
            for (int i = 0; i < p; i++) {
                nuS[i] = bestNu[i] / bestTau;
            }
            for (int i = 0; i < m; i++) {
                lamS[i] = Math.max(0.0, bestLam[i] / bestTau);
            }
            if (!Vec.allFinite(z) || !Vec.allFinite(nuS) || !Vec.allFinite(lamS)) {
                return result(new double[n], new double[p], new double[m], Status.NUMERICAL_FAILURE, iter);
            }
            QpSolution best = result(z, nuS, lamS, status, iter);
            if (polish) {
                QpSolution polished = polish(bestLam, bestS, status, iter);
                if (polished != null && polished.kktResidual() < best.kktResidual()) {
                    best = polished;
                }
            }
            return best;
        }

        /**
         * @return the {@link ActiveSetKkt#polish polished} point of the guess {@code {i : lambda_i > s_i}} (a test
         *     that does not depend on the scale {@code tau}), or null if its KKT matrix is singular
         */
        private QpSolution polish(double[] lamAt, double[] sAt, Status status, int iter) {
            int[] guess = IntStream.range(0, m).filter(i -> lamAt[i] > sAt[i]).toArray();
            double[][] point = ActiveSetKkt.polish(pr, guess, POLISH_TARGET * tolerance * dataScale);
            return point == null ? null : result(point[0], point[1], point[2], status, iter);
        }

        private QpSolution result(double[] z, double[] nuR, double[] lamR, Status status, int iter) {
            return new QpSolution(z, nuR, lamR, status, iter, pr.kktResidual(z, nuR, lamR));
        }

        private QpSolution originalResult(double[] z, double[] nuR, double[] lamR, Status status, int iter) {
            return new QpSolution(z, nuR, lamR, status, iter, original.kktResidual(z, nuR, lamR));
        }

        /**
         * Maps a solution of the scaled problem back and decides its status on the original data from its
         * {@link QpProblem#relativeKktResidual relative KKT residual} {@code r} and its absolute
         * {@link QpProblem#kktResidual KKT residual} {@code k}: {@link Status#OPTIMAL} if {@code r <= 100 eps} or
         * {@code k <= eps} {@link QpProblem#dataNorm() ||data||} (negligible at the scale of the data, as when
         * the solution is 0 to rounding), {@link Status#OPTIMAL_INACCURATE} if {@code r <= sqrt(eps)}, otherwise
         * the status of the scaled run ({@link Status#NUMERICAL_FAILURE} if that run ended optimal).
         */
        private QpSolution verified(QpSolution scaled) {
            double[] z = scaling.primal(scaled.z());
            double[] nuR = scaling.equalityMultipliers(scaled.nu());
            double[] lamR = scaling.inequalityMultipliers(scaled.lambda());
            double relative = original.relativeKktResidual(z, nuR, lamR);
            double absolute = original.kktResidual(z, nuR, lamR);
            Status status = relative <= ACCURATE_FACTOR * tolerance || absolute <= tolerance * original.dataNorm()
                    ? Status.OPTIMAL
                    : relative <= Math.sqrt(tolerance) ? Status.OPTIMAL_INACCURATE
                    : scaled.status() == Status.OPTIMAL ? Status.NUMERICAL_FAILURE : scaled.status();
            return new QpSolution(z, nuR, lamR, status, scaled.iterations(), absolute);
        }
    }
}
