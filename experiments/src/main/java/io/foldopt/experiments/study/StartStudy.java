package io.foldopt.experiments.study;

import io.foldopt.experiments.MethodResult;
import io.foldopt.experiments.report.Charts;
import io.foldopt.fold.BackwardSolveException;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.fold.Unrolling;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.Gmres;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.linalg.SpectralRadius;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * {@code start}: the starting point's effect, in both senses.
 *
 * <p>(a) Unrolling: every folded method of the five experiments, at its untrained parameters and after training
 * (one epoch with the DIRECT backward), on the first {@value #UNROLL_ROWS_SMALL} ({@code --size paper}:
 * {@value #UNROLL_ROWS_PAPER}) samples of the first minibatch: the gradient of the training loss with respect to every
 * trained parameter when the layer's update {@code U} is unrolled for {@code K} recorded steps ({@link Unrolling})
 * started at the solution {@code x*}, at {@code x*} perturbed by {@code 1e-2} Gaussian noise, and at a random point,
 * both inside the box spanned by the instances' solutions (coordinate {@code j} between the smallest and the largest
 * {@code x*_bj}: clipped, or uniform over that interval), against the folded gradient (DIRECT backward), for growing
 * {@code K}; with {@code rho(Phi)} at {@code x*} by power iteration, since from {@code x*} the unrolled gradient is
 * the folded one truncated after {@code K} terms of {@code sum_k (Phi^T)^k g}. An unrolled step that fails (a
 * non-finite iterate or subproblem) is a row with the reason.
 *
 * <p>(b) The backward solve's start: the first folded method of each experiment trained for one epoch with LFPI and
 * GMRES(30) at tolerance {@code 1e-8}, every solve started at zero, at the cotangent {@code g}, or at the previous
 * minibatch's solution (warm start): mean iterations per backward solve over the epoch.
 *
 * <p>Files: {@code start_unrolling.csv}, {@code start_backward.csv}, {@code start_unrolling_TASK.png}
 * (log10 gradient error against log10 {@code K} per start and parameters).
 */
public final class StartStudy implements Study {
    /** Relative size of the perturbation of {@code x*}. */
    static final double PERTURBATION = 1e-2;
    /** Samples of the first minibatch on which the layers are unrolled, small setting. */
    static final int UNROLL_ROWS_SMALL = 8;
    /** Samples of the first minibatch on which the layers are unrolled at paper size (bounds the unrolled graph). */
    static final int UNROLL_ROWS_PAPER = 4;
    /** Numbers of unrolled steps, small setting. */
    static final int[] STEPS_SMALL = {1, 2, 5, 10, 20, 50, 100, 200};
    /** Numbers of unrolled steps at paper size. */
    static final int[] STEPS_PAPER = {1, 10, 100, 1000};
    /** The starts of the unrolled iteration, in table order. */
    static final List<String> STARTS = List.of("x*", "perturbed x*", "random");
    private static final double TOLERANCE = 1e-8;
    private static final double ERROR_FLOOR = 1e-17;
    private static final int POWER_ITERATIONS = 500;
    private final int[] smallSteps;

    /** Creates the study; in the small setting it unrolls {@code K} = 1, 2, 5, 10, 20, 50, 100 and 200 steps. */
    public StartStudy() {
        this(STEPS_SMALL);
    }

    /** Creates the study with these numbers of unrolled steps in the small setting. */
    StartStudy(int[] smallSteps) {
        this.smallSteps = smallSteps.clone();
    }

    @Override
    public String name() {
        return "start";
    }

    @Override
    public String description() {
        return "starting points: the experiments' layers unrolled K steps from x*, a perturbed x* or a random point vs"
                + " the folded gradient; backward solves started at zero, at g or warm from the previous minibatch";
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        int[] ks = config.small() ? smallSteps : STEPS_PAPER;
        int rows = config.small() ? UNROLL_ROWS_SMALL : UNROLL_ROWS_PAPER;
        StudyTable unrolling = new StudyTable("unrolled gradient error against the folded gradient, by task,"
                + " parameters, start and K", "task", "parameters", "rho_max", "start", "K", "gradient_error", "note");
        StudyTable backward = new StudyTable("backward iterations over a training epoch, by start", "task",
                "method", "start", "mean_iterations", "solves", "failed", "final_metric", "note");
        StudyTask.checkNames(config, List.of());
        List<String> findings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<StudyTask> tasks = StudyTask.select(config);
        for (StudyTask task : tasks) {
            StudyTask.State trained = task.train(BatchedLinearSolver.DIRECT, 1e-10, 1).state();
            List<Charts.Series> series = new ArrayList<>();
            for (StudyTask.State state : List.of(task.untrained(), trained)) {
                unroll(task, state, rows, ks, config.seed(), unrolling, findings, series);
            }
            files.add(SolversStudy.lines(config.out(), "start_unrolling_" + SolversStudy.slug(task.name()) + ".png",
                    task.name() + ": unrolled gradient error by start", "log10 K (unrolled steps)",
                    "log10 relative error vs folded", series));
        }
        for (StudyTask task : tasks) {
            if (!task.primary()) {
                continue;
            }
            for (BatchedLinearSolver solver : List.of(BatchedLinearSolver.LFPI, new Gmres(30))) {
                double[] its = new double[BackwardProbe.Start.values().length];
                for (BackwardProbe.Start start : BackwardProbe.Start.values()) {
                    String startName = start.name().toLowerCase(Locale.ROOT);
                    MethodResult r;
                    try {
                        r = task.train(solver, TOLERANCE, 1, start).result();
                    } catch (ArithmeticException | ForwardSolveException | BackwardSolveException e) {
                        // a solve that fails in the course of training is a finding, not the end of the study
                        its[start.ordinal()] = Double.NaN;
                        backward.add(task.name(), label(solver), startName, Double.NaN, Double.NaN, Double.NaN,
                                Double.NaN, "stopped: " + e.getMessage());
                        findings.add(String.format(Locale.ROOT, "%s: training with %s from %s stopped: %s",
                                task.name(), label(solver), startName, e.getMessage()));
                        continue;
                    }
                    long solves = r.epochs().stream().mapToLong(e -> e.backwardSolves()).sum();
                    its[start.ordinal()] = r.meanBackwardIterations();
                    backward.add(task.name(), label(solver), startName, r.meanBackwardIterations(), solves,
                            r.backwardFailures(), r.finalTestMetric(), "");
                }
                findings.add(String.format(Locale.ROOT, "%s, %s: mean iterations per backward solve from zero %.1f,"
                        + " from g %.1f, warm from the previous minibatch %.1f", task.name(), label(solver), its[0],
                        its[1], its[2]));
            }
        }
        files.add(0, backward.write(config.out(), "start_backward.csv"));
        files.add(0, unrolling.write(config.out(), "start_unrolling.csv"));
        return new StudyResult(name(), List.of(unrolling, backward), findings, files);
    }

    private static String label(BatchedLinearSolver solver) {
        return solver instanceof Gmres g ? "GMRES(" + g.restart() + ")" : solver.name();
    }

    /**
     * Unrolls the task's layer at one state from the three starts for every {@code K}; adds the rows, the findings
     * and the chart's series.
     */
    private static void unroll(StudyTask task, StudyTask.State state, int rows, int[] ks, long seed,
            StudyTable table, List<String> findings, List<Charts.Series> series) {
        StudyTask.Gradient folded = task.evaluate(state, rows).gradient(BatchedLinearSolver.DIRECT,
                new SolverOptions(1e-10, StudyTask.MAX_ITERATIONS), BackwardProbe.Start.ZERO);
        double rho = Arrays.stream(SpectralRadius.estimate(SpectralRadius.identityMinus(folded.solve().operator()),
                POWER_ITERATIONS, seed)).max().orElse(Double.NaN);
        List<UnaryOperator<Tensor>> starts = List.of(UnaryOperator.identity(), x -> perturbed(x, seed + 11),
                x -> random(x, seed + 13));
        List<String> outcomes = new ArrayList<>();
        for (int s = 0; s < STARTS.size(); s++) {
            double[] x = new double[ks.length];
            double[] y = new double[ks.length];
            String failure = null;
            double error = Double.NaN;
            for (int k = 0; k < ks.length; k++) {
                String note = "";
                if (failure != null) {
                    // the first steps from the same start are the same steps: they fail again
                    note = failure;
                } else {
                    Unrolling unrolled = new Unrolling(ks[k], starts.get(s));
                    try {
                        double[] g = unrolled.during(() -> task.evaluate(state, rows)).values();
                        if (unrolled.unrolledLayers() == 0) {
                            throw new IllegalStateException(task.name() + ": the loss did not apply a folded layer"
                                    + " on the study's thread, so nothing was unrolled");
                        }
                        error = StudyTask.relativeError(g, folded.values());
                        if (!Double.isFinite(error)) {
                            note = "non-finite unrolled gradient";
                        }
                    } catch (ArithmeticException | ForwardSolveException | IllegalArgumentException e) {
                        // an unrolled step that fails (a subproblem from a far start) is a finding, not a crash
                        failure = "unrolled step failed: " + e.getMessage();
                        note = failure;
                        outcomes.add(String.format(Locale.ROOT, "from %s a step failed by K = %d (%s)",
                                STARTS.get(s), ks[k], e.getMessage()));
                    }
                }
                if (failure != null) {
                    error = Double.NaN;
                }
                table.add(task.name(), state.label(), rho, STARTS.get(s), ks[k], error, note);
                x[k] = Math.log10(ks[k]);
                y[k] = Double.isFinite(error) ? Math.log10(Math.max(ERROR_FLOOR, error)) : Double.NaN;
            }
            if (failure == null) {
                outcomes.add(String.format(Locale.ROOT, "from %s %.2g", STARTS.get(s), error));
            }
            series.add(new Charts.Series(STARTS.get(s) + " (" + state.label() + ")", x, y));
        }
        findings.add(String.format(Locale.ROOT, "%s (%s, rho(Phi) = %.3g), gradient error after K = %d unrolled"
                + " steps: %s%s", task.name(), state.label(), rho, ks[ks.length - 1], String.join("; ", outcomes),
                rho >= 1 ? "; rho >= 1, so unrolling from x* does not converge to the folded gradient" : ""));
    }

    /**
     * @return {@code x + PERTURBATION max(1, max |x|) N(0, I)}, the noise from {@code seed}, clipped coordinatewise
     *     to the {@link #hull} of the rows of {@code x}
     */
    private static Tensor perturbed(Tensor x, long seed) {
        Tensor noise = Tensor.randn(new SplittableRandom(seed), x.shape());
        double scale = PERTURBATION * Math.max(1, x.maxAbs());
        double[][] hull = hull(x);
        int n = x.dim(1);
        double[] p = x.data().clone();
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.min(hull[1][i % n], Math.max(hull[0][i % n], p[i] + scale * noise.data()[i]));
        }
        return Tensor.wrap(p, x.shape());
    }

    /**
     * @return a point whose coordinate {@code j} in every instance is uniform over the {@link #hull}'s interval
     *     {@code j}, from {@code seed}
     */
    private static Tensor random(Tensor x, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] hull = hull(x);
        int n = x.dim(1);
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            double lo = hull[0][i % n];
            double hi = hull[1][i % n];
            r[i] = hi > lo ? rng.nextDouble(lo, hi) : lo;
        }
        return Tensor.wrap(r, x.shape());
    }

    /**
     * @return the smallest box that holds every row of {@code x (B, n)}: {@code {lo, hi}} with
     *     {@code lo_j = min_b x_bj}, {@code hi_j = max_b x_bj} (inside every box, interval or simplex that holds the
     *     rows)
     */
    private static double[][] hull(Tensor x) {
        int n = x.dim(1);
        double[][] box = new double[2][n];
        Arrays.fill(box[0], Double.POSITIVE_INFINITY);
        Arrays.fill(box[1], Double.NEGATIVE_INFINITY);
        double[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            box[0][i % n] = Math.min(box[0][i % n], d[i]);
            box[1][i % n] = Math.max(box[1][i % n], d[i]);
        }
        return box;
    }
}
