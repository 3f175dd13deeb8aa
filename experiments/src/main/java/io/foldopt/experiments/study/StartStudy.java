package io.foldopt.experiments.study;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.MethodResult;
import io.foldopt.experiments.report.Charts;
import io.foldopt.fold.BackwardSolveException;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.Gmres;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code start}: the starting point's effect, in both senses.
 *
 * <p>(a) Unrolling: the gradient of {@code <w, x_K>} through {@code K} recorded steps of the update {@code U}
 * ({@link UnrolledLayer}), started at the solution {@code x*}, at {@code x*} perturbed by {@code 1e-2} Gaussian noise,
 * and at a random point of the domain, against the folded gradient (DIRECT backward), for growing {@code K}. Layers:
 * the nonconvex-qp experiment's projected gradient with the QP projection (step 0.5, SQP forward), the bilinear
 * experiment's projected gradient with the closed-form projection, the denoising experiment's dual proximal gradient
 * (here with {@code D} the forward differences), and projected gradient on the box nonconvex QP
 * {@code 1/2 x^T Q x + c^T sin x} of the benchmarks.
 *
 * <p>(b) The backward solve's start: the folded method of each experiment trained for one epoch with LFPI and
 * GMRES(30) at tolerance {@code 1e-8}, every solve started at zero, at the cotangent {@code g}, or at the previous
 * minibatch's solution (warm start): mean iterations per backward solve over the epoch.
 *
 * <p>Files: {@code start_unrolling.csv}, {@code start_backward.csv}, {@code start_unrolling_PROBLEM.png}
 * (log10 gradient error against {@code K} per start).
 */
public final class StartStudy implements Study {
    /** Relative size of the perturbation of {@code x*}. */
    static final double PERTURBATION = 1e-2;
    private static final double TOLERANCE = 1e-8;
    private static final double ERROR_FLOOR = 1e-17;

    @Override
    public String name() {
        return "start";
    }

    @Override
    public String description() {
        return "starting points: unrolling K steps from x*, a perturbed x* or a random point vs the folded gradient;"
                + " backward solves started at zero, at g or warm from the previous minibatch";
    }

    /** @return the unrolled layers at the study's size */
    static List<Unrollable> layers(StudyConfig config) {
        boolean small = config.small();
        int batch = small ? 8 : 32;
        SplittableRandom rng = new SplittableRandom(config.seed());
        return List.of(Unrollable.nonconvexQp(small ? 10 : 30, batch, rng.split()),
                Unrollable.bilinear(small ? 8 : 30, small ? 3 : 10, batch, rng.split()),
                Unrollable.denoisingDpg(small ? 24 : 100, batch, rng.nextLong()),
                Unrollable.boxNonconvexQp(small ? 20 : 100, batch, rng.nextLong()));
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        int[] ks = config.small() ? new int[] {1, 2, 5, 10, 20, 50, 100, 200}
                : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
        StudyTable unrolling = new StudyTable("unrolled gradient error against the folded gradient, by start and K",
                "problem", "start", "K", "gradient_error");
        StudyTable backward = new StudyTable("backward iterations over a training epoch, by start", "task",
                "method", "start", "mean_iterations", "solves", "failed", "final_metric", "note");
        List<Unrollable> layers = layers(config);
        StudyTask.checkNames(config, layers.stream().map(Unrollable::name).toList());
        List<String> findings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Unrollable u : layers) {
            if (!config.selects(u.name())) {
                continue;
            }
            files.add(unroll(u, ks, config, unrolling, findings));
        }
        for (StudyTask task : StudyTask.select(config)) {
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

    /** Unrolls one layer from the three starts; adds rows and findings. @return the chart */
    private static Path unroll(Unrollable u, int[] ks, StudyConfig config, StudyTable table, List<String> findings)
            throws IOException {
        FoldOptions options = FoldOptions.defaults().withSolver(BatchedLinearSolver.DIRECT)
                .withOnFailure(FailurePolicy.FLAG);
        FoldedLayer folded = new FoldedLayer(u.solver(), u.update(), options, u.readOut());
        Var c = Var.param(u.params());
        Var out = folded.apply(c);
        Tensor w = Tensor.randn(new SplittableRandom(config.seed() + 7), out.shape());
        double[] reference = Autodiff.grad(out.mul(Var.constant(w)).sum(), c)[0].data();
        Tensor xStar = u.solver().solve(new Tensor[] {u.params()});
        SplittableRandom rng = new SplittableRandom(config.seed() + 11);
        Tensor noise = Tensor.randn(rng.split(), xStar.shape());
        double scale = PERTURBATION * Math.max(1, xStar.maxAbs());
        Tensor perturbed = Tensor.wrap(xStar.data().clone(), xStar.shape());
        for (int i = 0; i < perturbed.size(); i++) {
            perturbed.data()[i] += scale * noise.data()[i];
        }
        SplittableRandom uniform = rng.split();
        Tensor random = xStar.map(v -> u.lo() + (u.hi() - u.lo()) * uniform.nextDouble());
        List<Charts.Series> series = new ArrayList<>();
        String[] names = {"x*", "perturbed x*", "random"};
        Tensor[] starts = {xStar, perturbed, random};
        double[] last = new double[starts.length];
        for (int s = 0; s < starts.length; s++) {
            Tensor start = starts[s];
            double[] x = new double[ks.length];
            double[] y = new double[ks.length];
            for (int k = 0; k < ks.length; k++) {
                UnrolledLayer unrolled = new UnrolledLayer(u.update(), p -> start, ks[k]);
                Var cv = Var.param(u.params());
                Var xk = u.readOut().apply(unrolled.apply(cv));
                double[] g = Autodiff.grad(xk.mul(Var.constant(w)).sum(), cv)[0].data();
                double error = StudyTask.relativeError(g, reference);
                table.add(u.name(), names[s], ks[k], error);
                x[k] = Math.log10(ks[k]);
                y[k] = Math.log10(Math.max(ERROR_FLOOR, error));
                last[s] = error;
            }
            series.add(new Charts.Series("start at " + names[s], x, y));
        }
        findings.add(String.format(Locale.ROOT, "%s: after K = %d unrolled steps the gradient error is %.2g from x*,"
                + " %.2g from the perturbed x*, %.2g from a random start", u.name(), ks[ks.length - 1], last[0],
                last[1], last[2]));
        return SolversStudy.lines(config.out(), "start_unrolling_" + SolversStudy.slug(u.name()) + ".png",
                u.name() + ": unrolled gradient error by start", "log10 K (unrolled steps)",
                "log10 relative error vs folded", series);
    }
}
