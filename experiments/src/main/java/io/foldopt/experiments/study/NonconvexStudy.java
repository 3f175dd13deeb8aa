package io.foldopt.experiments.study;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.experiments.report.Charts;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.InstanceReport;
import io.foldopt.fold.LayerCall;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.Vec;
import io.foldopt.problems.ProjectedNewton;
import io.foldopt.problems.StationaryPointCheck;
import io.foldopt.problems.StationaryPointCheck.Kind;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code nonconvex}: folding on problems with several local minima and saddle points, where the solution map
 * {@code c -> x*(c)} is the local map of whichever stationary point the forward solver reached.
 *
 * <p>Problems: {@code box-qp}, {@code min 1/2 x^T Q x + c^T x} over {@code [-1, 1]^n} with indefinite
 * {@code Q = M^T M / n - 1.5 I} (local minima on faces and vertices of the box), solved by projected Newton from
 * many random starts; and {@code double-well}, {@code f(x) = sum_i (x_i^2 - 1)^2 + gamma/2 x^T B x + c^T x}
 * (up to {@code 2^n} minima, and saddles between them), whose stationary points are found by Newton's method on
 * {@code grad f = 0} from many random starts. Every distinct point is classified ({@link StationaryPointCheck}:
 * local minimum, on the boundary or interior; saddle; maximum; degenerate), and a degenerate point is made on purpose
 * from a boundary minimum of the box QP by moving {@code c} until one bound is weakly active.
 *
 * <p>At every point, the folded layer of projected gradient {@code U(x, c) = clip(x - alpha grad f(x, c))}: its
 * gradient of {@code <w, x*>} (DIRECT backward) against central finite differences of the local solution map
 * (re-solved from {@code x*} at {@code c +- h d}, by projected Newton at minima and by Newton on the stationarity
 * equations of the free coordinates elsewhere), the power-iteration {@code rho(Phi)}, what LFPI does (status,
 * residual), what MINRES does (it needs a symmetric {@code Phi}: always for the unconstrained double-well, on the box
 * only with no active bound or no free coordinate), and the gradient of {@code K = 100} unrolled steps started at
 * {@code x*} against the folded one.
 *
 * <p>Files: {@code nonconvex.csv} (one row per distinct point) and {@code nonconvex_errors.png} (digits of agreement
 * by point type).
 */
public final class NonconvexStudy implements Study {
    /** Finite-difference step. */
    static final double FD_STEP = 1e-6;
    /** Unrolled steps compared with the folded gradient. */
    static final int UNROLLED_STEPS = 100;
    private static final double STATIONARY_TOL = 1e-10;
    private static final double DISTINCT = 1e-6;

    @Override
    public String name() {
        return "nonconvex";
    }

    @Override
    public String description() {
        return "box QP with indefinite Q and a double-well objective: stationary points from many starts,"
                + " classified; folded gradient vs finite differences, rho, LFPI and unrolling at each";
    }

    /**
     * A smooth objective {@code f(x, c)} on a box, with its derivatives as arrays and its gradient as a graph, the
     * step of its projected-gradient update and the range of its starting points.
     */
    private abstract static class Problem {
        private final String name;
        private final int n;
        private final double lo;
        private final double hi;
        private final double step;
        private final boolean minimizes;
        private final double startRange;

        /**
         * @param step a step {@code alpha} at most {@code 1 / L} on the region of interest
         * @param minimizes whether the forward solver minimizes (projected Newton) rather than finds any stationary
         *     point (Newton on {@code grad f = 0})
         * @param startRange starting points are uniform in {@code [-startRange, startRange]^n}
         */
        Problem(String name, int n, double lo, double hi, double step, boolean minimizes, double startRange) {
            this.name = name;
            this.n = n;
            this.lo = lo;
            this.hi = hi;
            this.step = step;
            this.minimizes = minimizes;
            this.startRange = startRange;
        }

        String name() {
            return name;
        }

        int n() {
            return n;
        }

        double lo() {
            return lo;
        }

        double hi() {
            return hi;
        }

        double step() {
            return step;
        }

        boolean minimizes() {
            return minimizes;
        }

        /** @return {@code count} starting points, uniform in the start range */
        double[][] starts(int count, SplittableRandom rng) {
            double[][] s = new double[count][n];
            for (double[] row : s) {
                for (int i = 0; i < n; i++) {
                    row[i] = rng.nextDouble(-startRange, startRange);
                }
            }
            return s;
        }

        abstract double value(double[] x, double[] c);

        abstract void gradient(double[] x, double[] c, double[] g);

        abstract void hessian(double[] x, double[] c, double[] h);

        /** @return {@code grad_x f(x, c)} recorded in the graph */
        abstract Var gradient(Var x, Var c);
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        boolean small = config.small();
        SplittableRandom rng = new SplittableRandom(config.seed());
        List<Problem> problems = List.of(boxQp(small ? 6 : 12, rng.split()), doubleWell(small ? 3 : 6, rng.split()));
        StudyTask.checkNames(config, problems.stream().map(Problem::name).toList());
        StudyTable table = new StudyTable("stationary points by problem: type, folded gradient vs finite differences,"
                + " backward and unrolling", "problem", "point", "type", "reached_from", "active", "weakly_active",
                "objective", "rho", "direct_status", "fd_error", "lfpi_status", "lfpi_residual", "unrolled_error",
                "minres_status", "minres_error");
        List<String> findings = new ArrayList<>();
        Map<String, List<double[]>> errorsByType = new LinkedHashMap<>();
        int starts = small ? 40 : 400;
        for (Problem p : problems) {
            if (!config.selects(p.name())) {
                continue;
            }
            double[] c = Tensor.randn(rng.split(), p.n()).data();
            for (int i = 0; i < c.length; i++) {
                c[i] *= 0.3;
            }
            List<double[]> points = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (double[] s : p.starts(starts, rng.split())) {
                double[] x = p.minimizes() ? minimize(p, c, s) : newton(p, c, s, null);
                if (x == null) {
                    continue;
                }
                int found = -1;
                for (int k = 0; k < points.size() && found < 0; k++) {
                    if (distance(points.get(k), x) < DISTINCT) {
                        found = k;
                    }
                }
                if (found < 0) {
                    points.add(x);
                    counts.add(1);
                } else {
                    counts.set(found, counts.get(found) + 1);
                }
            }
            Map<String, Integer> kinds = new LinkedHashMap<>();
            for (int k = 0; k < points.size(); k++) {
                String type = examine(p, c, points.get(k), k, counts.get(k), table, errorsByType, config.seed());
                kinds.merge(type, 1, Integer::sum);
            }
            if (p.minimizes()) {
                double[] boundary = points.stream().filter(x -> activeCount(p, x) > 0).findFirst().orElse(null);
                if (boundary != null) {
                    double[] g = new double[p.n()];
                    p.gradient(boundary, c, g);
                    double[] shifted = c.clone();
                    for (int i = 0; i < p.n(); i++) {
                        if (boundary[i] == p.lo() || boundary[i] == p.hi()) {
                            shifted[i] -= g[i];
                            break;
                        }
                    }
                    String type = examine(p, shifted, boundary, points.size(), 0, table, errorsByType, config.seed());
                    kinds.merge(type + " (made by moving c)", 1, Integer::sum);
                }
            }
            findings.add(String.format(Locale.ROOT, "%s (n = %d): %d starts reached %d distinct stationary points: %s",
                    p.name(), p.n(), starts, points.size(), kinds));
        }
        summarize(table, findings);
        List<String> types = new ArrayList<>(errorsByType.keySet());
        double[] fd = new double[types.size()];
        double[] unrolled = new double[types.size()];
        for (int t = 0; t < types.size(); t++) {
            List<double[]> e = errorsByType.get(types.get(t));
            fd[t] = -Math.log10(Math.max(1e-17, e.stream().mapToDouble(v -> v[0]).max().orElse(Double.NaN)));
            unrolled[t] = -Math.log10(Math.max(1e-17, e.stream().mapToDouble(v -> v[1]).max().orElse(Double.NaN)));
        }
        List<Path> files = new ArrayList<>();
        files.add(table.write(config.out(), "nonconvex.csv"));
        Path chart = config.out().resolve("nonconvex_errors.png");
        Charts.bars(chart, "digits of agreement with the folded gradient (worst point)", "-log10 relative error",
                false, types, List.of(new Charts.BarGroup("finite differences", fd),
                        new Charts.BarGroup("unrolled K = " + UNROLLED_STEPS + " from x*", unrolled)));
        files.add(chart);
        return new StudyResult(name(), List.of(table), findings, files);
    }

    /** Adds the findings that summarize the table by point type. */
    private static void summarize(StudyTable table, List<String> findings) {
        Map<String, double[]> worst = new LinkedHashMap<>();
        Map<String, String> lfpi = new LinkedHashMap<>();
        Map<String, String> minres = new LinkedHashMap<>();
        for (Object[] row : table.rows()) {
            String type = (String) row[2];
            double[] w = worst.computeIfAbsent(type, t -> new double[] {0, 0, Double.POSITIVE_INFINITY, 0, 0});
            w[0] = Math.max(w[0], (Double) row[9]);
            w[1] = Math.max(w[1], (Double) row[12]);
            w[2] = Math.min(w[2], (Double) row[7]);
            w[3] = Math.max(w[3], (Double) row[7]);
            lfpi.merge(type, (String) row[10], (a, b) -> a.contains(b) ? a : a + "/" + b);
            minres.merge(type, (String) row[13], (a, b) -> a.contains(b) ? a : a + "/" + b);
            w[4] = Math.max(w[4], "optimal".equals(row[13]) ? (Double) row[14] : 0);
        }
        worst.forEach((type, w) -> findings.add(String.format(Locale.ROOT, "%s: folded (DIRECT) vs finite differences"
                + " worst relative error %.2g; rho(Phi) in [%.4g, %.4g]; LFPI %s; unrolling K = %d from x* worst error"
                + " %.2g; MINRES %s (worst error against DIRECT where it converged %.2g)", type, w[0], w[2], w[3],
                lfpi.get(type), UNROLLED_STEPS, w[1], minres.get(type), w[4])));
    }

    /** Classifies one point and measures the folded, LFPI and unrolled gradients there. @return the point's type */
    private static String examine(Problem p, double[] c, double[] x, int index, int count, StudyTable table,
            Map<String, List<double[]>> errors, long seed) {
        int n = p.n();
        double[] g = new double[n];
        double[] h = new double[n * n];
        p.gradient(x, c, g);
        p.hessian(x, c, h);
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, p.lo());
        Arrays.fill(hi, p.hi());
        StationaryPointCheck.Result point = StationaryPointCheck.classify(x, g, lo, hi, h, 1e-8);
        int active = point.stronglyActive() + point.weaklyActive();
        String type = switch (point.kind()) {
            case LOCAL_MINIMUM -> point.weaklyActive() > 0 ? "minimum, weakly active"
                    : active > 0 ? "minimum on the boundary" : "interior minimum";
            case SADDLE -> point.weaklyActive() > 0 ? "saddle, weakly active" : "saddle";
            case MAXIMUM -> "maximum";
            case DEGENERATE -> "degenerate";
            case NOT_STATIONARY -> "not stationary";
        };
        SplittableRandom rng = new SplittableRandom(seed + index);
        Tensor w = Tensor.randn(rng.split(), 1, n);
        double[] d = Tensor.randn(rng.split(), n).data();
        Tensor xt = Tensor.wrap(x.clone(), 1, n);
        Tensor ct = Tensor.wrap(c.clone(), 1, n);
        UpdateMap u = update(p);
        Backward direct = folded(u, xt, ct, w, BatchedLinearSolver.DIRECT);
        Backward lfpi = folded(u, xt, ct, w, BatchedLinearSolver.LFPI);
        Backward minres = folded(u, xt, ct, w, BatchedLinearSolver.MINRES);
        double[] plus = localSolution(p, point.kind(), x, shift(c, d, FD_STEP));
        double[] minus = localSolution(p, point.kind(), x, shift(c, d, -FD_STEP));
        double fdError = Double.NaN;
        if (plus != null && minus != null) {
            double numeric = (Vec.dot(w.data(), plus) - Vec.dot(w.data(), minus)) / (2 * FD_STEP);
            double analytic = Vec.dot(direct.gradient(), d);
            fdError = Math.abs(analytic - numeric) / Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), 1e-12);
        }
        Var cv = Var.param(ct);
        Var unrolledOut = new UnrolledLayer(u, v -> xt, UNROLLED_STEPS).apply(cv);
        double[] unrolled = Autodiff.grad(unrolledOut.mul(Var.constant(w)).sum(), cv)[0].data();
        double unrolledError = StudyTask.relativeError(unrolled, direct.gradient());
        InstanceReport dr = direct.report().instances()[0];
        InstanceReport lr = lfpi.report().instances()[0];
        table.add(p.name(), index, type, count, active, point.weaklyActive(), p.value(x, c),
                dr.spectralRadius().orElse(Double.NaN), dr.status().label(), fdError, lr.status().label(),
                lr.relativeResidual(), unrolledError, minres.report().instances()[0].status().label(),
                StudyTask.relativeError(minres.gradient(), direct.gradient()));
        errors.computeIfAbsent(type, t -> new ArrayList<>()).add(new double[] {fdError, unrolledError});
        return type;
    }

    /** A folded gradient and the backward report that produced it. */
    private record Backward(double[] gradient, BackwardReport report) {}

    /** @return the folded layer's gradient of {@code <w, x*>} at the given solution, and its report */
    private static Backward folded(UpdateMap u, Tensor x, Tensor c, Tensor w, BatchedLinearSolver solver) {
        FoldOptions options = new FoldOptions(solver, 1e-10, StudyTask.MAX_ITERATIONS, false, FailurePolicy.FLAG, true,
                1e-6, 1e-12, 1_000_000);
        FoldedLayer layer = new FoldedLayer(params -> x, u, options);
        Var cv = Var.param(c);
        LayerCall call = layer.call(cv);
        double[] grad = Autodiff.grad(call.output().mul(Var.constant(w)).sum(), cv)[0].data();
        return new Backward(grad, call.report().orElseThrow());
    }

    /** @return the projected-gradient update {@code clip(x - alpha grad f(x, c), lo, hi)} */
    private static UpdateMap update(Problem p) {
        double alpha = p.step();
        boolean bounded = Double.isFinite(p.lo());
        return (x, params) -> {
            Var step = x.sub(p.gradient(x, params[0]).mul(alpha));
            return bounded ? step.clamp(p.lo(), p.hi()) : step;
        };
    }

    /**
     * @return the local solution at {@code c} continued from {@code x}: projected Newton from {@code x} at a local
     *     minimum, else Newton on the stationarity equations of {@code x}'s free coordinates; null if that fails
     */
    private static double[] localSolution(Problem p, Kind kind, double[] x, double[] c) {
        return kind == Kind.LOCAL_MINIMUM ? minimize(p, c, x) : newton(p, c, x, x);
    }

    /** @return projected Newton's local minimum from {@code start}, or null if it did not reach one */
    private static double[] minimize(Problem p, double[] c, double[] start) {
        double[] lo = new double[p.n()];
        double[] hi = new double[p.n()];
        Arrays.fill(lo, p.lo());
        Arrays.fill(hi, p.hi());
        ProjectedNewton.Result r = ProjectedNewton.minimize(new ProjectedNewton.Objective() {
            @Override
            public double value(double[] x) {
                return p.value(x, c);
            }

            @Override
            public void gradient(double[] x, double[] g) {
                p.gradient(x, c, g);
            }

            @Override
            public void hessian(double[] x, double[] h) {
                p.hessian(x, c, h);
            }
        }, lo, hi, start, new ProjectedNewton.Options(STATIONARY_TOL, 500, Duration.ofSeconds(10)));
        return r.status().ok() ? r.x() : null;
    }

    /**
     * Newton's method on {@code grad_F f(x, c) = 0} over the free coordinates {@code F} of {@code face} (all
     * coordinates if null), the others fixed at their values in {@code start}.
     *
     * @return the stationary point, or null if Newton did not converge from {@code start}
     */
    private static double[] newton(Problem p, double[] c, double[] start, double[] face) {
        int n = p.n();
        int[] free = java.util.stream.IntStream.range(0, n)
                .filter(i -> face == null || (face[i] > p.lo() && face[i] < p.hi())).toArray();
        double[] x = start.clone();
        double[] g = new double[n];
        double[] h = new double[n * n];
        int m = free.length;
        for (int it = 0; it < 100; it++) {
            p.gradient(x, c, g);
            p.hessian(x, c, h);
            double[] gf = new double[m];
            double[] hf = new double[m * m];
            double norm = 0;
            for (int a = 0; a < m; a++) {
                gf[a] = -g[free[a]];
                norm = Math.max(norm, Math.abs(gf[a]));
                for (int b = 0; b < m; b++) {
                    hf[a * m + b] = h[free[a] * n + free[b]];
                }
            }
            if (norm <= STATIONARY_TOL) {
                return x;
            }
            double[] step;
            try {
                step = DenseLU.factor(hf, m).solve(gf);
            } catch (RuntimeException singular) {
                return null;
            }
            for (int a = 0; a < m; a++) {
                x[free[a]] += step[a];
            }
            if (!Arrays.stream(x).allMatch(Double::isFinite) || Arrays.stream(x).anyMatch(v -> Math.abs(v) > 1e3)) {
                return null;
            }
        }
        return null;
    }

    private static Problem boxQp(int n, SplittableRandom rng) {
        double[] q = RandomMatrices.spd(n, -1.5, rng.nextLong()).data();
        Tensor qt = Tensor.wrap(q, n, n);
        double bound = Arrays.stream(q).map(Math::abs).sum() / n + 1;
        return new Problem("box-qp", n, -1, 1, 1 / bound, true, 1) {
            @Override
            double value(double[] x, double[] c) {
                double[] qx = new double[n];
                mul(q, x, qx, n);
                return 0.5 * Vec.dot(x, qx) + Vec.dot(c, x);
            }

            @Override
            void gradient(double[] x, double[] c, double[] g) {
                mul(q, x, g, n);
                for (int i = 0; i < n; i++) {
                    g[i] += c[i];
                }
            }

            @Override
            void hessian(double[] x, double[] c, double[] h) {
                System.arraycopy(q, 0, h, 0, n * n);
            }

            @Override
            Var gradient(Var x, Var c) {
                return x.matmul(Var.constant(qt)).add(c);
            }
        };
    }

    private static Problem doubleWell(int n, SplittableRandom rng) {
        double gamma = 0.3;
        double[] b = Tensor.randn(rng, n, n).data();
        double[] sym = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i * n + j] = gamma * (b[i * n + j] + b[j * n + i]) / 2;
            }
        }
        Tensor bt = Tensor.wrap(sym, n, n);
        // f'' <= 12 x^2 - 4 + ||B|| on [-1.5, 1.5]^n
        double bound = 12 * 2.25 - 4 + Arrays.stream(sym).map(Math::abs).sum();
        return new Problem("double-well", n, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1 / bound, false,
                1.5) {
            @Override
            double value(double[] x, double[] c) {
                double[] bx = new double[n];
                mul(sym, x, bx, n);
                double f = 0.5 * Vec.dot(x, bx) + Vec.dot(c, x);
                for (double v : x) {
                    f += (v * v - 1) * (v * v - 1);
                }
                return f;
            }

            @Override
            void gradient(double[] x, double[] c, double[] g) {
                mul(sym, x, g, n);
                for (int i = 0; i < n; i++) {
                    g[i] += c[i] + 4 * x[i] * (x[i] * x[i] - 1);
                }
            }

            @Override
            void hessian(double[] x, double[] c, double[] h) {
                System.arraycopy(sym, 0, h, 0, n * n);
                for (int i = 0; i < n; i++) {
                    h[i * n + i] += 12 * x[i] * x[i] - 4;
                }
            }

            @Override
            Var gradient(Var x, Var c) {
                return x.mul(x).mul(x).mul(4).sub(x.mul(4)).add(x.matmul(Var.constant(bt))).add(c);
            }
        };
    }

    private static int activeCount(Problem p, double[] x) {
        return (int) Arrays.stream(x).filter(v -> v == p.lo() || v == p.hi()).count();
    }

    /** Sets {@code y = A x} for a row-major {@code n x n} matrix {@code A}. */
    private static void mul(double[] a, double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Vec.dot(a, i * n, x, 0, n);
        }
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s = Math.max(s, Math.abs(a[i] - b[i]));
        }
        return s;
    }

    private static double[] shift(double[] c, double[] d, double h) {
        double[] out = c.clone();
        for (int i = 0; i < c.length; i++) {
            out[i] += h * d[i];
        }
        return out;
    }
}
