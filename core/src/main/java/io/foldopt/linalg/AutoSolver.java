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
 *   <li>else {@link Gmres}, which needs only {@code A} nonsingular, when its Krylov basis of
 *       {@code 8 (m + 1) B n} bytes (cycle length {@code m = }{@value Gmres#DEFAULT_RESTART}) is at most
 *       {@code gmresMaxBasisBytes} (a quarter of the maximum heap by default);
 *   <li>else {@link BiCgStab}, whose workspace is a few vectors of {@code B n} entries whatever its iterations: the
 *       method for very large systems (an image of 10^6 pixels).
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
    private final long gmresMaxBasisBytes;

    /**
     * Creates AUTO with {@code directMaxDim = 64}, {@code lfpiMaxRho = 0.3} and {@code gmresMaxBasisBytes} a quarter
     * of the maximum heap.
     */
    public AutoSolver() {
        this(DEFAULT_DIRECT_MAX_DIM, DEFAULT_LFPI_MAX_RHO);
    }

    /**
     * Creates AUTO with {@code gmresMaxBasisBytes} a quarter of the maximum heap.
     *
     * @param directMaxDim largest dimension n solved by DIRECT, at least 0
     * @param lfpiMaxRho largest estimated spectral radius of {@code I - A} for which LFPI is used, in [0, 1)
     */
    public AutoSolver(int directMaxDim, double lfpiMaxRho) {
        this(directMaxDim, lfpiMaxRho, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * @param directMaxDim largest dimension n solved by DIRECT, at least 0
     * @param lfpiMaxRho largest estimated spectral radius of {@code I - A} for which LFPI is used, in [0, 1)
     * @param gmresMaxBasisBytes largest GMRES Krylov basis, in bytes, above which BiCGSTAB is used; at least 0
     */
    public AutoSolver(int directMaxDim, double lfpiMaxRho, long gmresMaxBasisBytes) {
        if (directMaxDim < 0) {
            throw new IllegalArgumentException("directMaxDim must be >= 0, got " + directMaxDim);
        }
        if (!(lfpiMaxRho >= 0 && lfpiMaxRho < 1)) {
            throw new IllegalArgumentException("lfpiMaxRho must be in [0, 1), got " + lfpiMaxRho);
        }
        if (gmresMaxBasisBytes < 0) {
            throw new IllegalArgumentException("gmresMaxBasisBytes must be >= 0, got " + gmresMaxBasisBytes);
        }
        this.directMaxDim = directMaxDim;
        this.lfpiMaxRho = lfpiMaxRho;
        this.gmresMaxBasisBytes = gmresMaxBasisBytes;
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

    /** @return the largest GMRES Krylov basis, in bytes, for which GMRES is used (BiCGSTAB above it) */
    public long gmresMaxBasisBytes() {
        return gmresMaxBasisBytes;
    }

    /** @return {@code AUTO} with its three thresholds */
    @Override
    public String toString() {
        return name() + "(directMaxDim " + directMaxDim + ", lfpiMaxRho " + lfpiMaxRho + ", gmresMaxBasisBytes "
                + DirectSolver.bytes(gmresMaxBasisBytes) + ")";
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
        double basis = 8.0 * (Gmres.DEFAULT_RESTART + 1) * a.batch() * n;
        BatchedLinearSolver krylov = GMRES;
        if (basis > gmresMaxBasisBytes) {
            krylov = BICGSTAB;
            why += "GMRES's Krylov basis of " + DirectSolver.bytes((long) Math.min(basis, Long.MAX_VALUE))
                    + " > gmresMaxBasisBytes " + DirectSolver.bytes(gmresMaxBasisBytes) + "; ";
        }
        if (Vec.norm(rhs, 0, rhs.length) == 0) {
            return annotate(krylov.solve(a, rhs, initialGuess, options), why + "zero right-hand sides", null);
        }
        double[] rho = SpectralRadius.estimate(SpectralRadius.identityMinus(a), RHO_ITERATIONS, RHO_SEED);
        double worst = 0;
        for (double r : rho) {
            worst = Double.isNaN(r) ? Double.POSITIVE_INFINITY : Math.max(worst, r);
        }
        boolean lfpi = worst <= lfpiMaxRho;
        String rule = String.format("largest rho(I - A) estimate %.3g %s lfpiMaxRho %s", worst, lfpi ? "<=" : ">",
                lfpiMaxRho);
        return annotate((lfpi ? LFPI : krylov).solve(a, rhs, initialGuess, options), why + rule, rho);
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
