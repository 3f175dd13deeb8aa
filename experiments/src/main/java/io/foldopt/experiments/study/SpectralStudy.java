package io.foldopt.experiments.study;

import io.foldopt.experiments.report.Charts;
import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.DenseBatchedOperator;
import io.foldopt.linalg.Gmres;
import io.foldopt.linalg.InstanceStats;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.linalg.SpectralRadius;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code spectral}: the spectral radius {@code rho} of {@code Phi = dU/dx} at the solution, which decides whether
 * and how fast LFPI converges ({@code v <- Phi^T v + g} needs {@code rho < 1} and about
 * {@code log(tol) / log(rho)} iterations).
 *
 * <p>For every task at its untrained and trained parameters: {@code rho} by power iteration on {@code Phi^T}
 * (applied through VJPs, or, up to {@value #EIGEN_MAX_DIM} unknowns, through {@code Phi^T} materialized by one VJP
 * per unknown), cross-checked there against the eigenvalues of the materialized {@code Phi^T}; the LFPI iterations to {@code 1e-8} predicted from {@code rho} and measured;
 * GMRES(30)'s iterations; and, over relaxations {@code omega} (the update {@code x + omega (U(x) - x)}, which for a
 * gradient step is the step size times {@code omega}, with {@code Phi_omega = (1 - omega) I + omega Phi}), the
 * radius and LFPI's iterations, to recommend the relaxation that minimizes backward cost.
 *
 * <p>The QP case: projected gradient {@code U(x) = clip(x - alpha (Q x + c), -1, 1)} on a convex box QP, over a grid
 * of {@code alpha}, where {@code rho = max |1 - alpha lambda_i(Q_FF)|} over the principal submatrix of the free
 * coordinates {@code F} is known in closed form and is compared with both estimates.
 *
 * <p>Files: {@code spectral.csv} (the table), {@code spectral_relaxation.csv}, {@code spectral_relaxation.png}
 * ({@code rho} against {@code omega} per task), {@code spectral_qp.png} ({@code rho} against {@code alpha}: closed
 * form and estimates) and {@code spectral_lfpi.png} (LFPI iterations measured against predicted, per instance).
 */
public final class SpectralStudy implements Study {
    /** Relaxations {@code omega} of the update. */
    static final double[] RELAXATIONS = {0.25, 0.5, 0.75, 1.0, 1.25, 1.5};
    /** Step sizes of the QP case, as fractions of {@code 2 / lambda_max(Q)}. */
    static final double[] QP_STEPS = {0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5};
    /** Largest number of unknowns whose Jacobian is materialized for the eigenvalue check. */
    static final int EIGEN_MAX_DIM = 200;
    private static final double TOLERANCE = 1e-8;
    private static final int POWER_ITERATIONS = 1000;
    /** Power iterations on the QP case, whose leading eigenvalues can be close together. */
    private static final int QP_POWER_ITERATIONS = 20_000;
    private static final int MAX_ITERATIONS = StudyTask.MAX_ITERATIONS;
    private static final Gmres GMRES = new Gmres(30);
    /** The QP case's task: projected gradient on a convex box QP ({@link StudyQp}). */
    static final String BOX_QP = "box-qp/pgd";

    @Override
    public String name() {
        return "spectral";
    }

    @Override
    public String description() {
        return "spectral radius of Phi = dU/dx at the solution (power iteration vs eigenvalues, closed form on a box"
                + " QP), LFPI iterations predicted from it vs measured, and its dependence on the step size";
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        StudyTable table = new StudyTable("spectral radius of Phi by task and parameters (box-qp/pgd: by step)",
                "task", "parameters", "unknowns", "rho_max", "rho_power_max",
                "rho_eigen_max", "rho_closed_max", "estimate_error", "unstable", "lfpi_predicted", "lfpi_measured",
                "lfpi_failed", "gmres_iterations", "best_relaxation");
        StudyTable relaxation = new StudyTable("LFPI and GMRES by relaxation omega", "task", "parameters",
                "relaxation", "rho_max", "lfpi_predicted",
                "lfpi_measured", "lfpi_failed", "gmres_iterations");
        StudyTask.checkNames(config, List.of(BOX_QP));
        List<String> findings = new ArrayList<>();
        List<Charts.Series> rhoByOmega = new ArrayList<>();
        List<Charts.Series> iterations = new ArrayList<>();
        for (StudyTask task : StudyTask.select(config)) {
            StudyTask.State trained = task.train(BatchedLinearSolver.DIRECT, 1e-10, config.small() ? 1 : 2).state();
            for (StudyTask.State state : List.of(task.untrained(), trained)) {
                StudyTask.Gradient g = task.evaluate(state).gradient(BatchedLinearSolver.DIRECT,
                        new SolverOptions(1e-10, MAX_ITERATIONS), BackwardProbe.Start.ZERO);
                Spectrum s = Spectrum.of(g.solve().operator(), null, config.seed());
                double[] rhoOmega = new double[RELAXATIONS.length];
                double bestOmega = Double.NaN;
                double bestIterations = Double.POSITIVE_INFINITY;
                LfpiRun atOne = null;
                for (int k = 0; k < RELAXATIONS.length; k++) {
                    double omega = RELAXATIONS[k];
                    LfpiRun l = LfpiRun.run(Jacobians.scaled(g.solve().operator(), omega), g.solve().rhs(),
                            s.radii(omega));
                    rhoOmega[k] = max(s.radii(omega));
                    relaxation.add(task.name(), state.label(), omega, rhoOmega[k], l.predicted(), l.measured(),
                            l.failed(), l.gmres());
                    if (l.failed() == 0 && l.measured() < bestIterations) {
                        bestIterations = l.measured();
                        bestOmega = omega;
                    }
                    if (omega == 1.0) {
                        atOne = l;
                    }
                }
                double[] rho = s.radii(1.0);
                int unstable = (int) Arrays.stream(rho).filter(r -> r >= 1).count();
                table.add(task.name(), state.label(), s.n(), max(rho), max(s.power()), s.eigen() == null ? Double.NaN
                        : max(s.radii(1.0)), Double.NaN, s.estimateError(), unstable, atOne.predicted(),
                        atOne.measured(), atOne.failed(), atOne.gmres(), bestOmega);
                if (state == trained) {
                    double[] percent = Arrays.stream(RELAXATIONS).map(w -> 100 * w).toArray();
                    rhoByOmega.add(new Charts.Series(task.name(), percent, rhoOmega));
                    iterations.add(atOne.series(task.name()));
                }
                if (unstable > 0) {
                    findings.add(String.format(Locale.ROOT, "%s (%s): rho(Phi) >= 1 in %d of %d instances (largest"
                            + " %.4g): LFPI does not converge there (%d failed) while GMRES(30) needs %.1f"
                            + " iterations; %s", task.name(), state.label(), unstable, rho.length, max(rho),
                            atOne.failed(), atOne.gmres(), Double.isNaN(bestOmega)
                                    ? "no relaxation in " + Arrays.toString(RELAXATIONS) + " makes LFPI converge"
                                    : "LFPI converges with relaxation " + bestOmega));
                } else {
                    findings.add(String.format(Locale.ROOT, "%s (%s): rho(Phi) = %.4g at most; LFPI needs %.1f"
                            + " iterations to 1e-8 (predicted %.1f), GMRES(30) %.1f; the cheapest relaxation for"
                            + " LFPI is %s", task.name(), state.label(), max(rho), atOne.measured(),
                            atOne.predicted(), atOne.gmres(), Double.isNaN(bestOmega) ? "none" : bestOmega));
                }
            }
        }
        List<Charts.Series> qpSeries = new ArrayList<>();
        if (config.selects(BOX_QP)) {
            qpSeries = boxQp(config, table, findings);
            iterations.add(qpSeries.remove(qpSeries.size() - 1));
        }
        List<Path> files = new ArrayList<>();
        files.add(table.write(config.out(), "spectral.csv"));
        files.add(relaxation.write(config.out(), "spectral_relaxation.csv"));
        if (!rhoByOmega.isEmpty()) {
            files.add(SolversStudy.lines(config.out(), "spectral_relaxation.png",
                    "rho(Phi_omega) at the trained parameters", "relaxation omega, % (step size factor)",
                    "largest rho over the batch", rhoByOmega));
        }
        if (!qpSeries.isEmpty()) {
            files.add(SolversStudy.lines(config.out(), "spectral_qp.png", "box QP: rho(Phi) against the step size",
                    "step alpha, % of 2 / lambda_max(Q)", "largest rho over the batch", qpSeries));
        }
        files.add(SolversStudy.lines(config.out(), "spectral_lfpi.png", "LFPI iterations to 1e-8: measured vs"
                + " predicted", "predicted log(1e-8) / log(rho)", "measured iterations", iterations));
        return new StudyResult(name(), List.of(table, relaxation), findings, files);
    }

    /** The QP case; adds its rows and findings. @return rho against alpha (closed form, power, eigen), then LFPI */
    private static List<Charts.Series> boxQp(StudyConfig config, StudyTable table, List<String> findings) {
        StudyQp qp = StudyQp.random(config.small() ? 20 : 100, config.small() ? 8 : 32, 0.5, true, config.seed());
        double[] x = new double[QP_STEPS.length];
        double[][] curves = new double[3][QP_STEPS.length];
        List<double[]> predicted = new ArrayList<>();
        List<double[]> measured = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        double bestTheta = Double.NaN;
        double gmresLo = Double.POSITIVE_INFINITY;
        double gmresHi = 0;
        for (int k = 0; k < QP_STEPS.length; k++) {
            double alpha = QP_STEPS[k] * 2 / qp.largestMagnitude();
            BackwardProbe.Solve solve = qp.gradient(alpha, BatchedLinearSolver.DIRECT,
                    new SolverOptions(1e-10, MAX_ITERATIONS), BackwardProbe.Start.ZERO).solve();
            double[] closed = qp.closedFormRadius(alpha);
            Spectrum s = Spectrum.of(solve.operator(), closed, config.seed());
            LfpiRun l = LfpiRun.run(solve.operator(), solve.rhs(), closed);
            int unstable = (int) Arrays.stream(closed).filter(r -> r >= 1).count();
            table.add(BOX_QP, String.format(Locale.ROOT, "alpha=%.4g", alpha), s.n(), max(closed),
                    max(s.power()), max(s.eigenRadii()), max(closed), s.estimateError(), unstable, l.predicted(),
                    l.measured(), l.failed(), l.gmres(), Double.NaN);
            x[k] = 100 * QP_STEPS[k];
            curves[0][k] = max(closed);
            curves[1][k] = max(s.power());
            curves[2][k] = max(s.eigenRadii());
            if (l.failed() == 0 && l.measured() < best) {
                best = l.measured();
                bestTheta = QP_STEPS[k];
            }
            if (unstable > 0) {
                findings.add(String.format(Locale.ROOT, "%s at alpha = %.3g (%.2f x 2/lambda_max): rho >= 1 in %d of"
                        + " %d instances, LFPI failed in %d (a finding, not an error: choose a smaller step or"
                        + " GMRES)", BOX_QP, alpha, QP_STEPS[k], unstable, closed.length, l.failed()));
            }
            gmresLo = Math.min(gmresLo, l.gmres());
            gmresHi = Math.max(gmresHi, l.gmres());
            predicted.add(l.predictedPerInstance());
            measured.add(l.perInstanceMeasured());
        }
        findings.add(String.format(Locale.ROOT, "%s: LFPI is cheapest at alpha = %.2f x 2/lambda_max(Q) (%.1f"
                + " iterations); GMRES(30) needs %.1f to %.1f iterations at every alpha, nearly independent of the"
                + " step", BOX_QP, bestTheta, best, gmresLo,
                gmresHi));
        List<Charts.Series> series = new ArrayList<>(List.of(new Charts.Series("closed form", x, curves[0]),
                new Charts.Series("power iteration", x, curves[1]), new Charts.Series("eigenvalues", x,
                        curves[2])));
        series.add(LfpiRun.scatter(BOX_QP, predicted, measured));
        return series;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /**
     * The spectral radius of {@code Phi} per instance, from {@code A = (I - Phi)^T}.
     *
     * @param phiT the operator {@code Phi^T}
     * @param seed seed of the power iterations' starts
     * @param power power-iteration estimates
     * @param eigen eigenvalues of {@code Phi^T} per instance ({@code {re, im}}), or null if too large
     * @param reference the closed form per instance, or null
     */
    private record Spectrum(BatchedOperator phiT, long seed, double[] power, double[][][] eigen, double[] reference) {
        static Spectrum of(BatchedOperator a, double[] closedForm, long seed) {
            BatchedOperator phiT = SpectralRadius.identityMinus(a);
            int iterations = closedForm == null ? POWER_ITERATIONS : QP_POWER_ITERATIONS;
            if (a.dim() > EIGEN_MAX_DIM) {
                return new Spectrum(phiT, seed, SpectralRadius.estimate(phiT, iterations, seed), null, closedForm);
            }
            // the same power iteration, applied through the materialized matrix rather than one VJP per step
            double[] m = Jacobians.materialize(phiT);
            double[] power = SpectralRadius.estimate(DenseBatchedOperator.perInstance(m, a.dim(), a.batch()),
                    iterations, seed);
            double[][][] eigen = new double[a.batch()][][];
            for (int b = 0; b < a.batch(); b++) {
                eigen[b] = Jacobians.eigenvalues(m, b, a.dim());
            }
            return new Spectrum(phiT, seed, power, eigen, closedForm);
        }

        /** @return unknowns per instance */
        int n() {
            return phiT.dim();
        }

        /**
         * @return per instance {@code rho((1 - omega) I + omega Phi)}: from the eigenvalues if known, else by power
         *     iteration
         */
        double[] radii(double omega) {
            if (eigen == null) {
                return omega == 1.0 ? power : SpectralRadius.estimate(BatchedOperator.of(phiT.batch(), phiT.dim(),
                        (x, y) -> {
                            phiT.apply(x, y);
                            for (int i = 0; i < y.length; i++) {
                                y[i] = (1 - omega) * x[i] + omega * y[i];
                            }
                        }), POWER_ITERATIONS, seed);
            }
            double[] r = new double[power.length];
            for (int b = 0; b < r.length; b++) {
                r[b] = Jacobians.relaxedRadius(eigen[b], omega);
            }
            return r;
        }

        /** @return per instance the radius from the eigenvalues (NaN where not computed) */
        double[] eigenRadii() {
            if (eigen == null) {
                double[] nan = new double[power.length];
                Arrays.fill(nan, Double.NaN);
                return nan;
            }
            return radii(1.0);
        }

        /** @return the largest {@code |power - reference|}: the closed form if given, else the eigenvalues */
        double estimateError() {
            double[] ref = reference != null ? reference : eigenRadii();
            double worst = 0;
            for (int b = 0; b < power.length; b++) {
                worst = Math.max(worst, Math.abs(power[b] - ref[b]));
            }
            return worst;
        }
    }

    /**
     * LFPI on {@code A v = g} to {@code 1e-8} and GMRES(30) for comparison.
     *
     * @param lfpi LFPI's solution
     * @param gmresSolution GMRES's solution
     * @param predictedPerInstance {@code log(1e-8) / log(rho)} per instance (infinite for {@code rho >= 1})
     */
    private record LfpiRun(BatchSolution lfpi, BatchSolution gmresSolution, double[] predictedPerInstance) {
        static LfpiRun run(BatchedOperator a, double[] rhs, double[] rho) {
            SolverOptions options = new SolverOptions(TOLERANCE, MAX_ITERATIONS);
            double[] predicted = new double[rho.length];
            for (int b = 0; b < rho.length; b++) {
                predicted[b] = rho[b] >= 1 ? Double.POSITIVE_INFINITY
                        : rho[b] == 0 ? 1 : Math.max(1, Math.log(TOLERANCE) / Math.log(rho[b]));
            }
            return new LfpiRun(BatchedLinearSolver.LFPI.solve(a, rhs, null, options),
                    GMRES.solve(a, rhs, null, options), predicted);
        }

        /** @return mean predicted iterations over the instances with {@code rho < 1} */
        double predicted() {
            return Arrays.stream(predictedPerInstance).filter(Double::isFinite).average().orElse(Double.NaN);
        }

        /** @return mean measured LFPI iterations over the instances that converged */
        double measured() {
            return Arrays.stream(lfpi.stats()).filter(InstanceStats::ok).mapToInt(InstanceStats::iterations)
                    .average().orElse(Double.NaN);
        }

        /** @return instances where LFPI did not converge */
        int failed() {
            return (int) Arrays.stream(lfpi.stats()).filter(s -> !s.ok()).count();
        }

        /** @return GMRES(30)'s mean iterations */
        double gmres() {
            return Arrays.stream(gmresSolution.stats()).mapToInt(InstanceStats::iterations).average().orElse(0);
        }

        /** @return LFPI's iterations per instance, NaN where it did not converge */
        double[] perInstanceMeasured() {
            return Arrays.stream(lfpi.stats()).mapToDouble(s -> s.ok() ? s.iterations() : Double.NaN).toArray();
        }

        /** @return this run's (predicted, measured) points */
        Charts.Series series(String name) {
            return scatter(name, List.of(predictedPerInstance), List.of(perInstanceMeasured()));
        }

        /** @return the converged instances' (predicted, measured) points, sorted by predicted */
        static Charts.Series scatter(String name, List<double[]> predicted, List<double[]> measured) {
            List<double[]> points = new ArrayList<>();
            for (int k = 0; k < predicted.size(); k++) {
                for (int b = 0; b < predicted.get(k).length; b++) {
                    double p = predicted.get(k)[b];
                    double m = measured.get(k)[b];
                    if (Double.isFinite(p) && Double.isFinite(m)) {
                        points.add(new double[] {p, m});
                    }
                }
            }
            points.sort((u, v) -> Double.compare(u[0], v[0]));
            return new Charts.Series(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray());
        }
    }
}
