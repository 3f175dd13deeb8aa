package io.foldopt.experiments.study;

import io.foldopt.experiments.MethodResult;
import io.foldopt.experiments.report.Charts;
import io.foldopt.fold.BackwardSolveException;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.Gmres;
import io.foldopt.linalg.SolverOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code solvers}: which backward linear solver to use. For every task, at the untrained and the trained parameters,
 * each backward method (LFPI, GMRES with restarts 5 and 30, BiCGSTAB, and conjugate gradients and MINRES where
 * {@code I - Phi} is symmetric) at tolerances {@code 1e-4 ... 1e-12}, and DIRECT: iterations, time of the linear
 * solve and of the whole reverse pass, and the relative error of the loss gradient (all model and layer parameters)
 * against DIRECT. The trained parameters are those after training with DIRECT for one epoch. Then every folded
 * method of each experiment is trained for one epoch with each iterative method at a loose ({@code 1e-2}) and a
 * tight ({@code 1e-10}) tolerance and with DIRECT, and the final test metrics are compared; a training run that
 * stops because a forward or backward solve fails on the way is reported (row and finding) rather than ended.
 *
 * <p>Besides the experiments' layers, the task {@value #QP} is a gradient step {@code x - alpha (Q x + c)} on
 * unconstrained QPs ({@link StudyQp}), where {@code Phi = I - alpha Q} is symmetric: its states are a positive
 * definite {@code Q} (a minimum) and an indefinite one (the stationary point is a saddle, {@code rho(Phi) > 1} and
 * {@code I - Phi} indefinite), with {@code alpha = 1 / max |lambda(Q)|}; the gradient is that of {@code <w, x*>}
 * with respect to {@code c}.
 *
 * <p>Files: {@code solvers.csv} (the table), {@code solvers_training.csv}, and per task
 * {@code solvers_TASK.png} (log10 gradient error against solve time at the trained parameters, or at the
 * indefinite {@code Q}) and {@code training_TASK.png} (final test metric by method and tolerance).
 */
public final class SolversStudy implements Study {
    /** The tolerances of the iterative methods. */
    static final double[] TOLERANCES = {1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
    /** The loose and tight tolerances of the training comparison. */
    static final double[] TRAINING_TOLERANCES = {1e-2, 1e-10};
    /** Errors below this are drawn at this value on the log scale. */
    private static final double ERROR_FLOOR = 1e-17;
    /** Largest {@code ||A - A^T||_max / ||A||_max} of a system treated as symmetric. */
    static final double SYMMETRY_TOLERANCE = 1e-10;

    /** A backward method and its label in the tables. */
    record Backward(String label, BatchedLinearSolver solver) {}

    static final Backward DIRECT = new Backward("DIRECT", BatchedLinearSolver.DIRECT);
    static final List<Backward> ITERATIVE = List.of(new Backward("LFPI", BatchedLinearSolver.LFPI),
            new Backward("GMRES(5)", new Gmres(5)), new Backward("GMRES(30)", new Gmres(30)),
            new Backward("BICGSTAB", BatchedLinearSolver.BICGSTAB));
    /** The methods that need a symmetric system. */
    static final List<Backward> SYMMETRIC = List.of(new Backward("CG", new ConjugateGradients()),
            new Backward("MINRES", BatchedLinearSolver.MINRES));
    /** The study's own task: a gradient step on unconstrained QPs, whose {@code Phi} is symmetric. */
    static final String QP = "qp/gd";
    private final List<Backward> trained;
    private final int repeats;

    /**
     * Creates the study; its training comparison uses LFPI, GMRES(5), GMRES(30), BiCGSTAB and DIRECT, and each
     * time is the best of three runs.
     */
    public SolversStudy() {
        this(ITERATIVE, 3);
    }

    /**
     * Creates the study with these iterative methods (and DIRECT) in its training comparison, each time the best of
     * {@code repeats} runs.
     */
    SolversStudy(List<Backward> trainedIterative, int repeats) {
        this.trained = new ArrayList<>(trainedIterative);
        this.trained.add(DIRECT);
        this.repeats = repeats;
    }

    @Override
    public String name() {
        return "solvers";
    }

    @Override
    public String description() {
        return "backward linear solvers (LFPI, GMRES, BiCGSTAB, CG and MINRES where symmetric, DIRECT) by tolerance:"
                + " iterations,"
                + " time, gradient error against DIRECT, and the test metric when training with each";
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        StudyTask.checkNames(config, List.of(QP));
        List<StudyTask> tasks = StudyTask.select(config);
        StudyTable table = new StudyTable("backward solves by task, parameters, method and tolerance", "task",
                "parameters", "method", "tolerance", "symmetric", "mean_iterations",
                "max_iterations", "solve_ms", "backward_ms", "gradient_error", "worst_residual", "failed", "status");
        List<String> findings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        int epochs = 1;
        StudyTable training = new StudyTable("training with each backward method", "task", "method", "tolerance",
                "epochs", "metric", "final_metric",
                "mean_backward_iterations", "backward_failures", "note");
        for (StudyTask task : tasks) {
            StudyTask.State trainedState = compareTraining(task, epochs, training, findings, config.out(), files);
            List<Charts.Series> series = new ArrayList<>();
            for (StudyTask.State state : List.of(task.untrained(), trainedState)) {
                measure(task.name(), state.label(), task.evaluate(state)::gradient, repeats, table, findings,
                        state == trainedState ? series : null);
            }
            files.add(lines(config.out(), "solvers_" + slug(task.name()) + ".png",
                    task.name() + ": gradient error vs backward time (trained)", "linear solve, ms",
                    "log10 relative gradient error vs DIRECT", series));
        }
        if (config.selects(QP)) {
            int n = config.small() ? 20 : 200;
            int batch = config.small() ? 8 : 32;
            List<Charts.Series> series = new ArrayList<>();
            for (boolean definite : new boolean[] {true, false}) {
                StudyQp qp = StudyQp.random(n, batch, definite ? 0.5 : -1.0, false, config.seed());
                double alpha = 1 / qp.largestMagnitude();
                measure(QP, definite ? "convex" : "indefinite", (m, o, st) -> qp.gradient(alpha, m, o, st), repeats,
                        table, findings, definite ? null : series);
            }
            files.add(lines(config.out(), "solvers_" + slug(QP) + ".png", QP + ": gradient error vs backward time"
                    + " (indefinite Q)", "linear solve, ms", "log10 relative gradient error vs DIRECT", series));
        }
        files.add(0, training.write(config.out(), "solvers_training.csv"));
        files.add(0, table.write(config.out(), "solvers.csv"));
        return new StudyResult(name(), List.of(table, training), findings, files);
    }

    /** A gradient of one task at one state, its backward solved by the given method. */
    interface GradientSource {
        /** @return the gradient, the backward solved by {@code solver} under {@code options} from {@code start} */
        StudyTask.Gradient gradient(BatchedLinearSolver solver, SolverOptions options, BackwardProbe.Start start);
    }

    /** Measures every method at one state; adds the rows, the findings and (if wanted) the chart's series. */
    private static void measure(String task, String state, GradientSource ev, int repeats, StudyTable table,
            List<String> findings, List<Charts.Series> series) {
        SolverOptions defaults = new SolverOptions(1e-10, StudyTask.MAX_ITERATIONS);
        StudyTask.Gradient reference = ev.gradient(DIRECT.solver(), defaults, BackwardProbe.Start.ZERO);
        int n = reference.solve().operator().dim();
        double asymmetry = Jacobians.asymmetry(Jacobians.materialize(reference.solve().operator()), n);
        boolean symmetric = asymmetry <= SYMMETRY_TOLERANCE;
        String sym = symmetric ? "yes" : String.format(Locale.ROOT, "no (%.1e)", asymmetry);
        StudyTask.Gradient direct = timed(ev, DIRECT, defaults, repeats);
        table.add(task, state, DIRECT.label(), Double.NaN, sym, direct.meanIterations(),
                direct.maxIterations(), direct.solve().seconds() * 1e3, direct.seconds() * 1e3,
                direct.errorAgainst(reference), direct.worstResidual(), direct.failed(), direct.status());
        List<Backward> methods = new ArrayList<>(ITERATIVE);
        if (symmetric) {
            methods.addAll(SYMMETRIC);
        }
        double bestMs = Double.POSITIVE_INFINITY;
        String best = null;
        for (Backward m : methods) {
            double[] x = new double[TOLERANCES.length];
            double[] y = new double[TOLERANCES.length];
            for (int t = 0; t < TOLERANCES.length; t++) {
                StudyTask.Gradient g = timed(ev, m, defaults.withTolerance(TOLERANCES[t]), repeats);
                double error = g.errorAgainst(reference);
                table.add(task, state, m.label(), TOLERANCES[t], sym, g.meanIterations(),
                        g.maxIterations(), g.solve().seconds() * 1e3, g.seconds() * 1e3, error, g.worstResidual(),
                        g.failed(), g.status());
                x[t] = g.solve().seconds() * 1e3;
                y[t] = Math.log10(Math.max(ERROR_FLOOR, error));
                if (g.failed() > 0 && t == TOLERANCES.length - 1) {
                    findings.add(String.format(Locale.ROOT, "%s (%s): %s at tolerance %.0e failed in %d of %d"
                            + " instances (%s, worst residual %.2g)", task, state, m.label(),
                            TOLERANCES[t], g.failed(), g.solve().solution().stats().length, g.status(),
                            g.worstResidual()));
                }
                if (g.failed() == 0 && error <= 1e-8 && x[t] < bestMs) {
                    bestMs = x[t];
                    best = String.format(Locale.ROOT, "%s at tolerance %.0e", m.label(), TOLERANCES[t]);
                }
            }
            if (series != null) {
                series.add(new Charts.Series(m.label(), x, y));
            }
        }
        findings.add(String.format(Locale.ROOT, "%s (%s, %d unknowns per instance, %s): fastest backward with gradient"
                + " error <= 1e-8 is %s (%.3g ms; DIRECT %.3g ms)", task, state, n,
                symmetric ? "symmetric" : "not symmetric", best == null ? "none" : best, bestMs,
                direct.solve().seconds() * 1e3));
    }

    /** @return the gradient with the smallest solve time of {@code repeats} runs */
    private static StudyTask.Gradient timed(GradientSource ev, Backward m, SolverOptions options,
            int repeats) {
        StudyTask.Gradient best = null;
        for (int r = 0; r < repeats; r++) {
            StudyTask.Gradient g = ev.gradient(m.solver(), options, BackwardProbe.Start.ZERO);
            if (best == null || g.solve().seconds() < best.solve().seconds()) {
                best = g;
            }
        }
        return best;
    }

    /**
     * Trains the task's method with each method of the comparison at the loose and the tight tolerance.
     *
     * @return the state trained with DIRECT
     */
    private StudyTask.State compareTraining(StudyTask task, int epochs, StudyTable training, List<String> findings,
            Path out, List<Path> files) throws IOException {
        List<String> labels = new ArrayList<>();
        double[][] metrics = new double[TRAINING_TOLERANCES.length][trained.size()];
        double spread = 0;
        StudyTask.State directState = null;
        for (int k = 0; k < trained.size(); k++) {
            Backward m = trained.get(k);
            labels.add(m.label());
            for (int t = 0; t < TRAINING_TOLERANCES.length; t++) {
                if (m == DIRECT && t > 0) {
                    metrics[t][k] = metrics[0][k];
                    continue;
                }
                double tolerance = m == DIRECT ? Double.NaN : TRAINING_TOLERANCES[t];
                StudyTask.Training run;
                try {
                    run = task.train(m.solver(), TRAINING_TOLERANCES[t], epochs);
                } catch (ArithmeticException | ForwardSolveException | BackwardSolveException e) {
                    if (m == DIRECT) {
                        throw e;
                    }
                    // a solve that fails in the course of training is a finding about the backward method
                    metrics[t][k] = Double.NaN;
                    training.add(task.name(), m.label(), tolerance, epochs, task.metricName(), Double.NaN,
                            Double.NaN, Double.NaN, "stopped: " + e.getMessage());
                    findings.add(String.format(Locale.ROOT, "%s: training with %s at tolerance %.0e stopped: %s",
                            task.name(), m.label(), TRAINING_TOLERANCES[t], e.getMessage()));
                    continue;
                }
                MethodResult r = run.result();
                if (m == DIRECT) {
                    directState = run.state();
                }
                metrics[t][k] = r.finalTestMetric();
                training.add(task.name(), m.label(), tolerance, epochs, task.metricName(), r.finalTestMetric(),
                        r.meanBackwardIterations(), r.backwardFailures(), "");
            }
            if (Double.isFinite(metrics[0][k] - metrics[1][k])) {
                spread = Math.max(spread, Math.abs(metrics[0][k] - metrics[1][k]));
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : metrics) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        findings.add(String.format(Locale.ROOT, "%s: after %d epoch(s) the test %s ranges over [%.5g, %.5g] across"
                + " backward methods; loose (1e-2) and tight (1e-10) tolerances differ by at most %.2g",
                task.name(), epochs, task.metricName(), lo, hi, spread));
        Files.createDirectories(out);
        Path file = out.resolve("training_" + slug(task.name()) + ".png");
        Charts.bars(file, task.name() + ": test " + task.metricName() + " after training", task.metricName(),
                task.lowerIsBetter(),
                labels, List.of(new Charts.BarGroup("tolerance 1e-2", metrics[0]),
                        new Charts.BarGroup("tolerance 1e-10", metrics[1])));
        files.add(file);
        return directState;
    }

    /** Draws a line chart into {@code dir/name}; @return the file */
    static Path lines(Path dir, String name, String title, String xLabel, String yLabel, List<Charts.Series> series)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Charts.lines(file, title, xLabel, yLabel, series);
        return file;
    }

    /** @return the task name as a file-name part: {@code nonconvex-qp/folded-pgd} to {@code nonconvex-qp_folded-pgd} */
    static String slug(String task) {
        return task.replace('/', '_');
    }
}
