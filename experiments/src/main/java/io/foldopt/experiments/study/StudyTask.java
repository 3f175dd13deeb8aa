package io.foldopt.experiments.study;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.EpochRecord;
import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.Experiments;
import io.foldopt.experiments.LayerStats;
import io.foldopt.experiments.Method;
import io.foldopt.experiments.MethodResult;
import io.foldopt.experiments.TrainingRun;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.InstanceStats;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Parameter;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One folded layer of one of the five experiments, as a study sees it: the experiment's data, model and folded
 * method at the study's size and seed, with a {@link BackwardProbe} as the layer's backward solver. A task is named
 * {@code experiment/method}, for example {@code nonconvex-qp/folded-pgd}.
 *
 * <p>The layer is evaluated on the first minibatch of the training set at a {@link State} (the untrained model and
 * layer parameters, or those after training the folded method); the loss is the method's training loss, and a
 * gradient is the gradient of that loss with respect to every trained parameter (the model's and the layer's).
 */
final class StudyTask {
    /** The experiments whose folded layers the studies use, in report order. */
    static final List<String> EXPERIMENTS = List.of("nonconvex-qp", "bilinear", "portfolio", "denoising",
            "multilabel");
    /** Iteration budget of a backward solve (as in {@code FoldOptions.defaults()}). */
    static final int MAX_ITERATIONS = 1000;

    private final String name;
    private final boolean primary;
    private final ExperimentConfig config;
    private final TrainingRun.Spec spec;
    private final Method method;
    private final BackwardProbe probe;
    private final List<Tensor> initialExtra;

    private StudyTask(String name, boolean primary, ExperimentConfig config, TrainingRun.Spec spec, Method method,
            BackwardProbe probe) {
        this.name = name;
        this.primary = primary;
        this.config = config;
        this.spec = spec;
        this.method = method;
        this.probe = probe;
        this.initialExtra = values(method.extraParameters());
    }

    /**
     * @return the selected tasks: every method named {@code folded-*} of the five experiments, set up at the study's
     *     size with its seed
     */
    static List<StudyTask> select(StudyConfig study) {
        List<StudyTask> tasks = new ArrayList<>();
        for (String experimentName : EXPERIMENTS) {
            if (!study.tasks().isEmpty() && study.tasks().stream().noneMatch(t -> t.startsWith(experimentName + "/"))) {
                continue;
            }
            Experiment experiment = Experiments.byName(experimentName).orElseThrow();
            ExperimentConfig d = experiment.defaults(study.size());
            BackwardProbe probe = new BackwardProbe();
            ExperimentConfig config = new ExperimentConfig(d.size(), d.epochs(), d.batch(), d.learningRate(), probe,
                    d.tolerance(), study.seed(), d.settings());
            TrainingRun.Spec spec = experiment.setup(config);
            boolean first = true;
            for (Method m : spec.methods()) {
                String taskName = experimentName + "/" + m.name();
                if (m.name().startsWith("folded-")) {
                    if (study.selects(taskName)) {
                        tasks.add(new StudyTask(taskName, first, config, spec, m, probe));
                    }
                    first = false;
                }
            }
            for (String requested : study.tasks()) {
                if (requested.startsWith(experimentName + "/")
                        && tasks.stream().noneMatch(t -> t.name().equals(requested))) {
                    throw new IllegalArgumentException("unknown task '" + requested + "': " + experimentName
                            + "'s folded methods are " + spec.methods().stream().map(Method::name)
                                    .filter(m -> m.startsWith("folded-")).toList());
                }
            }
        }
        return tasks;
    }

    /**
     * Checks that every task the configuration names is an experiment's folded method or one of the study's own
     * tasks.
     *
     * @param own the study's tasks besides the experiments' folded methods
     * @throws IllegalArgumentException naming the unknown task and the valid forms
     */
    static void checkNames(StudyConfig study, List<String> own) {
        for (String requested : study.tasks()) {
            if (!own.contains(requested) && EXPERIMENTS.stream().noneMatch(e -> requested.startsWith(e + "/folded-"))) {
                throw new IllegalArgumentException("unknown task '" + requested + "': a task is EXPERIMENT/METHOD"
                        + " with EXPERIMENT one of " + String.join(", ", EXPERIMENTS) + " and METHOD one of its"
                        + " folded-* methods, such as nonconvex-qp/folded-pgd" + (own.isEmpty() ? ""
                                : ", or one of " + String.join(", ", own)));
            }
        }
    }

    /** @return {@code experiment/method} */
    String name() {
        return name;
    }

    /** @return whether this is the first folded method of its experiment */
    boolean primary() {
        return primary;
    }

    /** @return the test metric's name */
    String metricName() {
        return spec.metricName();
    }

    /** @return whether lower test metrics are better */
    boolean lowerIsBetter() {
        return spec.lowerIsBetter();
    }

    /** @return the task's experiment settings (with the probe as backward solver) */
    ExperimentConfig config() {
        return config;
    }

    /** @return the probe that solves the layer's backward systems */
    BackwardProbe probe() {
        return probe;
    }

    /**
     * Model and layer parameters at which the layer is evaluated.
     *
     * @param label {@code untrained} or {@code trained}
     * @param model the model
     * @param extra the values of the method's own trained parameters (such as denoising's operator {@code D})
     */
    record State(String label, Layer model, List<Tensor> extra) {}

    /** A trained state and the training run's record. */
    record Training(State state, MethodResult result) {}

    /** @return the untrained model and layer parameters */
    State untrained() {
        return new State("untrained", spec.model().get(), initialExtra);
    }

    /**
     * Trains the folded method from the untrained state, the layer's backward solved by {@code solver} to
     * {@code tolerance} from zero.
     *
     * @param epochs training epochs
     * @return the trained state and the run's record (test metric, backward iterations and failures per epoch)
     */
    Training train(BatchedLinearSolver solver, double tolerance, int epochs) {
        return train(solver, tolerance, epochs, BackwardProbe.Start.ZERO);
    }

    /**
     * Trains the folded method from the untrained state, the layer's backward solved by {@code solver} to
     * {@code tolerance} from {@code start} (for {@link BackwardProbe.Start#PREVIOUS}, the previous minibatch's
     * solution; the first minibatch starts at zero).
     *
     * @param epochs training epochs
     * @return the trained state and the run's record
     */
    Training train(BatchedLinearSolver solver, double tolerance, int epochs, BackwardProbe.Start start) {
        probe.use(solver, new SolverOptions(tolerance, MAX_ITERATIONS), start);
        probe.forgetPrevious();
        restore(initialExtra);
        ExperimentConfig c = new ExperimentConfig(config.size(), epochs, config.batch(), config.learningRate(), probe,
                tolerance, config.seed(), config.settings());
        Layer[] trained = new Layer[1];
        MethodResult result = TrainingRun.run(new TrainingRun.Spec(spec.experiment(), spec.metricName(),
                spec.lowerIsBetter(), spec.train(), spec.model(), List.of(method), spec.metric()), c,
                new Experiment.Progress() {
                    @Override
                    public void onEpoch(String m, EpochRecord record, int done, int total) {}

                    @Override
                    public void onTrained(Method m, Layer model) {
                        trained[0] = model;
                    }
                }).methods().get(0);
        return new Training(new State("trained", trained[0], values(method.extraParameters())), result);
    }

    /** @return the first {@code rows} samples of the training set */
    private Dataset firstRows(int rows) {
        return spec.train().select(IntStream.range(0, Math.min(rows, spec.train().size())).toArray());
    }

    /**
     * Runs the model and the layer's forward solve on the first minibatch at {@code state}, recording the training
     * loss, whose gradients {@link Evaluation#gradient} computes.
     */
    Evaluation evaluate(State state) {
        return evaluate(state, config.batch());
    }

    /**
     * Runs the model and the layer's forward solve on the first {@code rows} samples of the first minibatch at
     * {@code state}, recording the training loss.
     */
    Evaluation evaluate(State state, int rows) {
        restore(state.extra());
        Dataset batch = firstRows(Math.min(rows, config.batch()));
        List<Var> params = new ArrayList<>();
        state.model().parameters().forEach(p -> params.add(p.var()));
        method.extraParameters().forEach(p -> params.add(p.var()));
        Var loss = GradMode.withGrad(() -> method.loss(state.model().forward(Var.constant(batch.features())), batch,
                new LayerStats()));
        return new Evaluation(loss, params.toArray(Var[]::new));
    }

    /** The recorded loss of one minibatch, differentiated with any backward solver. */
    final class Evaluation {
        private final Var loss;
        private final Var[] params;

        private Evaluation(Var loss, Var[] params) {
            this.loss = loss;
            this.params = params;
        }

        /**
         * @return the gradient of the loss with respect to every trained parameter, the layer's backward solved by
         *     {@code solver} under {@code options} from {@code start}
         */
        Gradient gradient(BatchedLinearSolver solver, SolverOptions options, BackwardProbe.Start start) {
            probe.use(solver, options, start);
            long t0 = System.nanoTime();
            double[] flat = values();
            return new Gradient(flat, (System.nanoTime() - t0) * 1e-9, probe.last());
        }

        /**
         * @return the gradient of the loss with respect to every trained parameter, concatenated (through whatever
         *     the loss recorded: the folded layer with the probe's current backward, or unrolled steps)
         */
        double[] values() {
            Tensor[] g = Autodiff.grad(loss, params);
            int size = Arrays.stream(g).mapToInt(Tensor::size).sum();
            double[] flat = new double[size];
            int o = 0;
            for (Tensor t : g) {
                System.arraycopy(t.data(), 0, flat, o, t.size());
                o += t.size();
            }
            return flat;
        }
    }

    /**
     * A gradient and the backward solve that produced it.
     *
     * @param values all parameters' gradients, concatenated
     * @param seconds wall-clock seconds of the whole reverse pass
     * @param solve the layer's backward solve
     */
    record Gradient(double[] values, double seconds, BackwardProbe.Solve solve) {
        /** @return {@link StudyTask#relativeError} of these values against the reference's */
        double errorAgainst(Gradient reference) {
            return relativeError(values, reference.values);
        }

        /** @return mean iterations over the batch */
        double meanIterations() {
            return Arrays.stream(solve.solution().stats()).mapToInt(InstanceStats::iterations).average().orElse(0);
        }

        /** @return largest iterations over the batch */
        int maxIterations() {
            return Arrays.stream(solve.solution().stats()).mapToInt(InstanceStats::iterations).max().orElse(0);
        }

        /** @return largest relative residual over the batch */
        double worstResidual() {
            return Arrays.stream(solve.solution().stats()).mapToDouble(InstanceStats::relativeResidual).max()
                    .orElse(0);
        }

        /** @return instances whose solve did not meet its tolerance */
        int failed() {
            return (int) Arrays.stream(solve.solution().stats()).filter(s -> !s.ok()).count();
        }

        /**
         * @return the status label of the first instance whose solve did not converge, or {@code optimal} when
         *     every instance converged
         */
        String status() {
            return Arrays.stream(solve.solution().stats()).map(InstanceStats::status).filter(s -> !s.ok())
                    .findFirst().orElse(Status.OPTIMAL).label();
        }
    }

    /** @return {@code ||a - b|| / ||b||}, or {@code ||a - b||} if {@code b = 0} */
    static double relativeError(double[] a, double[] b) {
        double d = 0;
        double r = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            r += b[i] * b[i];
        }
        return r == 0 ? Math.sqrt(d) : Math.sqrt(d / r);
    }

    private void restore(List<Tensor> values) {
        List<Parameter> extra = method.extraParameters();
        for (int i = 0; i < extra.size(); i++) {
            extra.get(i).set(values.get(i));
        }
    }

    private static List<Tensor> values(List<Parameter> parameters) {
        return parameters.stream().map(Parameter::value).toList();
    }
}
