package io.foldopt.linalg;

import java.util.OptionalDouble;

/**
 * Chooses the algorithm per call, for the whole batch:
 * <ol>
 *   <li>{@link DirectSolver} when {@code n <= directMaxDim} and its dense matrices fit in the free heap
 *       ({@link DirectSolver#memoryBytes}); otherwise
 *   <li>{@link Lfpi} when a power-iteration estimate of {@code rho(I - A_b)} (for the folded system
 *       {@code A = (I - Phi)^T} this is {@code rho(Phi)}) is at most {@code lfpiMaxRho} for every instance: fast
 *       geometric convergence, for example for Newton-type maps with {@code Phi ~ 0};
 *   <li>else {@link Gmres}, which needs only {@code A} nonsingular.
 * </ol>
 * The spectral radius is estimated only when the choice depends on it (not for DIRECT, nor when every right-hand side
 * is zero). Each instance's statistics name the algorithm that ran, carry the estimate if one was made, and say in
 * their detail why AUTO chose it (including a DIRECT solve refused for lack of memory).
 */
public final class AutoSolver implements BatchedLinearSolver {
    /** The {@code directMaxDim} of {@link #AutoSolver()}. */
    public static final int DEFAULT_DIRECT_MAX_DIM = 64;
    /** The {@code lfpiMaxRho} of {@link #AutoSolver()}. */
    public static final double DEFAULT_LFPI_MAX_RHO = 0.3;
    /** Power iterations of the spectral-radius estimate. */
    static final int RHO_ITERATIONS = 12;
    /** Seed of the power iteration's random start. */
    static final long RHO_SEED = 0x5eedL;

    private final int directMaxDim;
    private final double lfpiMaxRho;

    /** Creates AUTO with {@code directMaxDim = 64} and {@code lfpiMaxRho = 0.3}. */
    public AutoSolver() {
        this(DEFAULT_DIRECT_MAX_DIM, DEFAULT_LFPI_MAX_RHO);
    }

    /**
     * @param directMaxDim largest dimension n solved by DIRECT, at least 0
     * @param lfpiMaxRho largest estimated spectral radius of {@code I - A} for which LFPI is used, in [0, 1)
     */
    public AutoSolver(int directMaxDim, double lfpiMaxRho) {
        if (directMaxDim < 0) {
            throw new IllegalArgumentException("directMaxDim must be >= 0, got " + directMaxDim);
        }
        if (!(lfpiMaxRho >= 0 && lfpiMaxRho < 1)) {
            throw new IllegalArgumentException("lfpiMaxRho must be in [0, 1), got " + lfpiMaxRho);
        }
        this.directMaxDim = directMaxDim;
        this.lfpiMaxRho = lfpiMaxRho;
    }

    /** @return the largest dimension solved by DIRECT */
    public int directMaxDim() {
        return directMaxDim;
    }

    /** @return the largest estimated {@code rho(I - A)} for which LFPI is used */
    public double lfpiMaxRho() {
        return lfpiMaxRho;
    }

    /** @return {@code "AUTO"} */
    @Override
    public String name() {
        return "AUTO";
    }

    /** @return {@code AUTO} with its two thresholds */
    @Override
    public String toString() {
        return name() + "(directMaxDim " + directMaxDim + ", lfpiMaxRho " + lfpiMaxRho + ")";
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        int n = a.dim();
        String why;
        if (n <= directMaxDim) {
            String refused = DirectSolver.refusal(a.batch(), n);
            if (refused == null) {
                return annotate(DIRECT.solve(a, rhs, initialGuess, options),
                        "AUTO: n = " + n + " <= directMaxDim " + directMaxDim, null);
            }
            why = "AUTO: " + refused + ", so an iterative solver; ";
        } else {
            why = "AUTO: n = " + n + " > directMaxDim " + directMaxDim + "; ";
        }
        if (Vec.norm(rhs, 0, rhs.length) == 0) {
            return annotate(GMRES.solve(a, rhs, initialGuess, options), why + "zero right-hand sides", null);
        }
        double[] rho = SpectralRadius.estimate(SpectralRadius.identityMinus(a), RHO_ITERATIONS, RHO_SEED);
        double worst = 0;
        for (double r : rho) {
            worst = Double.isNaN(r) ? Double.POSITIVE_INFINITY : Math.max(worst, r);
        }
        boolean lfpi = worst <= lfpiMaxRho;
        String rule = String.format("largest rho(I - A) estimate %.3g %s lfpiMaxRho %s", worst, lfpi ? "<=" : ">",
                lfpiMaxRho);
        return annotate((lfpi ? LFPI : GMRES).solve(a, rhs, initialGuess, options), why + rule, rho);
    }

    /** @return the solution with the reason for the choice (and the estimates, if any) added to every instance */
    private static BatchSolution annotate(BatchSolution solution, String why, double[] rho) {
        InstanceStats[] stats = solution.stats();
        for (int b = 0; b < stats.length; b++) {
            InstanceStats s = stats[b];
            stats[b] = new InstanceStats(s.method(), s.iterations(), s.relativeResidual(), s.status(),
                    s.detail().isEmpty() ? why : why + "; " + s.detail(),
                    rho == null ? s.spectralRadius() : OptionalDouble.of(rho[b]));
        }
        return solution;
    }
}
