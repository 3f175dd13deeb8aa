package io.foldopt.spark;

import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.InstanceReport;
import io.foldopt.fold.LayerCall;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.problems.ProjectedNewton;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpInstanceReport;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpStatusCheck;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import io.foldopt.topk.TopK.Entropy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Solves a chunk of instance rows and differentiates the solutions of the rows that carry a cotangent {@code g}:
 * {@code (d x / d p)^T g} for every parameter {@code p}. Rows of the same family and shape are solved as one batch
 * by foldopt's batched operations: {@code qp} rows of equal {@code (n, p, m)} by {@link DifferentiableQp}
 * (interior point, KKT backward), {@code topk} rows of equal {@code (n, k, eps, entropy)} by {@link TopK#layer},
 * rows of a user's {@link FoldableFamily} with parameter vectors of equal length by the folded layer of its
 * algorithm; each {@code box-nonconvex-qp} row (its own {@code Q}) by projected Newton and the folded
 * projected-gradient update. Statuses come from checks on the solutions ({@link QpStatusCheck}, {@link TopK#check},
 * the stationarity and second-order checks of {@link BoxNonconvexQp#solve}, the fixed-point residual of a user
 * family's update). A row that is not a valid problem, or a batch that cannot be solved because of one of its
 * rows, never fails the chunk: the batch is solved again row by row, and a row that still fails gets a result
 * without a solution: status {@link Status#INVALID_INPUT} and the reason, or for a forward solve that failed the
 * solver's status ({@link ForwardSolveException#status()}, else {@link Status#NUMERICAL_FAILURE}) and its message.
 */
final class InstanceSolver {
    /** Residual tolerance of the box-constrained problems' projected Newton solve, relative to the gradient. */
    static final double BOX_TOLERANCE = 1e-12;
    /** Newton steps allowed for a box-constrained problem. */
    static final int BOX_MAX_ITERATIONS = 1000;
    /** Wall-clock time allowed for one box-constrained problem. */
    static final Duration BOX_TIME_LIMIT = Duration.ofSeconds(60);

    private InstanceSolver() {}

    /** A validated {@code qp} row; absent constraint blocks are null. */
    private record Qp(Tensor p, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h, Tensor cotangent) {}

    /** A validated {@code topk} row. */
    private record Top(Tensor c, int k, double eps, Entropy entropy, Tensor cotangent) {}

    /** A row of a user's family: its parameter vector {@code c (p)}. */
    private record User(FoldableFamily family, Tensor c, Tensor cotangent) {}

    /** The built-in families. */
    static final Set<String> BUILT_IN = Set.of("box-nonconvex-qp", "qp", "topk");

    /**
     * @param families the user's families by name; a row without a {@code family} is of the only one, if there is
     *     exactly one
     * @param jacobian whether to compute every row's Jacobian {@code d x / d p} too ({@code n} VJPs with the unit
     *     vectors, sharing the factorizations of the forward pass)
     * @return the results of {@code rows}, in their order
     */
    static List<SolvedInstance> solve(List<InputRow> rows, Map<String, FoldableFamily> families, boolean jacobian) {
        SolvedInstance[] out = new SolvedInstance[rows.size()];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Object[] parsed = new Object[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            InputRow row = rows.get(i);
            String family = null;
            try {
                if (row.has(InstanceSchema.CORRUPT)) {
                    throw row.invalid("not a valid instance: " + shortly(row.string(InstanceSchema.CORRUPT)));
                }
                family = row.has("family") || families.size() != 1 ? row.string("family")
                        : families.keySet().iterator().next();
                switch (family) {
                    case "qp" -> {
                        Qp qp = readQp(row);
                        parsed[i] = qp;
                        groups.computeIfAbsent("qp " + qp.q().size() + " " + size(qp.b()) + " " + size(qp.h()),
                                key -> new ArrayList<>()).add(i);
                    }
                    case "topk" -> {
                        Top t = readTopK(row);
                        parsed[i] = t;
                        groups.computeIfAbsent("topk " + t.c().size() + " " + t.k() + " " + t.eps() + " " + t.entropy(),
                                key -> new ArrayList<>()).add(i);
                    }
                    case "box-nonconvex-qp" -> out[i] = solveBox(row, jacobian);
                    default -> {
                        FoldableFamily user = families.get(family);
                        if (user == null) {
                            throw row.error("family", "must be one of " + new TreeSet<>(union(families.keySet()))
                                    + ", got \"" + family + "\"");
                        }
                        Tensor c = row.vector("c");
                        Tensor cot = row.has("g") ? row.vector("g") : null;
                        parsed[i] = new User(user, c, cot);
                        groups.computeIfAbsent("user " + family + " " + c.size() + " " + (cot != null || jacobian),
                                key -> new ArrayList<>()).add(i);
                    }
                }
            } catch (RuntimeException e) {
                out[i] = SolvedInstance.invalid(row.id(), family, message(e));
            }
        }
        for (List<Integer> group : groups.values()) {
            solveGroup(rows, parsed, group, out, jacobian);
        }
        return Arrays.asList(out);
    }

    /** Solves a group as one batch, or row by row if the batch fails because of some row. */
    private static void solveGroup(List<InputRow> rows, Object[] parsed, List<Integer> group, SolvedInstance[] out,
            boolean jacobian) {
        try {
            SolvedInstance[] results = solveBatch(rows, parsed, group, jacobian);
            for (int j = 0; j < group.size(); j++) {
                out[group.get(j)] = results[j];
            }
        } catch (RuntimeException batchFailure) {
            if (group.size() == 1) {
                int i = group.get(0);
                Status status = batchFailure instanceof IllegalArgumentException ? Status.INVALID_INPUT
                        : batchFailure instanceof ForwardSolveException f ? f.status() : Status.NUMERICAL_FAILURE;
                out[i] = SolvedInstance.failed(rows.get(i).id(), family(parsed[i]), status,
                        "row " + rows.get(i).id() + ": " + message(batchFailure));
                return;
            }
            for (int i : group) {
                solveGroup(rows, parsed, List.of(i), out, jacobian);
            }
        }
    }

    private static SolvedInstance[] solveBatch(List<InputRow> rows, Object[] parsed, List<Integer> group,
            boolean jacobian) {
        long[] ids = group.stream().mapToLong(i -> rows.get(i).id()).toArray();
        if (parsed[group.get(0)] instanceof Qp) {
            return solveQp(ids, group.stream().map(i -> (Qp) parsed[i]).toList(), jacobian);
        }
        if (parsed[group.get(0)] instanceof User) {
            return solveUser(ids, group.stream().map(i -> (User) parsed[i]).toList(), jacobian);
        }
        return solveTopK(ids, group.stream().map(i -> (Top) parsed[i]).toList(), jacobian);
    }

    private static String family(Object parsed) {
        return parsed instanceof Qp ? "qp" : parsed instanceof User u ? u.family().name() : "topk";
    }

    private static Set<String> union(Set<String> users) {
        Set<String> all = new TreeSet<>(BUILT_IN);
        all.addAll(users);
        return all;
    }

    private static Qp readQp(InputRow row) {
        Tensor p = row.matrix("P");
        Tensor q = row.vector("q");
        int n = q.size();
        if (p.dim(0) != n || p.dim(1) != n) {
            throw row.error("P", "must be " + n + " x " + n + " to match \"q\", got " + p.dim(0) + " x " + p.dim(1));
        }
        Tensor[] ab = pair(row, "A", "b", n);
        Tensor[] gh = pair(row, "G", "h", n);
        return new Qp(p, q, ab[0], ab[1], gh[0], gh[1], cotangent(row, n));
    }

    /** @return the optional pair {@code (M (k, n), v (k))}, both null when absent */
    private static Tensor[] pair(InputRow row, String matrix, String vector, int n) {
        if (row.has(matrix) != row.has(vector)) {
            throw row.error(row.has(matrix) ? vector : matrix, "is missing: \"" + matrix + "\" and \"" + vector
                    + "\" go together");
        }
        if (!row.has(matrix)) {
            return new Tensor[2];
        }
        Tensor m = row.matrix(matrix);
        Tensor v = row.vector(vector);
        if (m.dim(1) != n) {
            throw row.error(matrix, "must have " + n + " columns like \"P\", got " + m.dim(1));
        }
        if (v.size() != m.dim(0)) {
            throw row.error(vector, "must have " + m.dim(0) + " entries, one per row of \"" + matrix + "\", got "
                    + v.size());
        }
        return new Tensor[] {m, v};
    }

    private static Top readTopK(InputRow row) {
        Tensor c = row.vector("c");
        int k = row.integer("k");
        double eps = row.number("eps");
        String name = row.has("entropy") ? row.string("entropy") : "binary";
        Entropy entropy = switch (name) {
            case "binary" -> Entropy.BINARY;
            case "shannon" -> Entropy.SHANNON;
            default -> throw row.error("entropy", "must be \"binary\" or \"shannon\", got \"" + name + "\"");
        };
        int n = c.size();
        if (k <= 0 || k >= n) {
            throw row.error("k", "must satisfy 0 < k < n = " + n + ", got " + k);
        }
        if (!(eps >= Double.MIN_NORMAL)) {
            throw row.error("eps", "must be a positive normal number, got " + eps);
        }
        return new Top(c, k, eps, entropy, cotangent(row, n));
    }

    /** @return the row's cotangent {@code g (n)}, or null */
    private static Tensor cotangent(InputRow row, int n) {
        if (!row.has("g")) {
            return null;
        }
        Tensor g = row.vector("g");
        if (g.size() != n) {
            throw row.error("g", "must have " + n + " entries, one per entry of the solution, got " + g.size());
        }
        return g;
    }

    private static SolvedInstance[] solveQp(long[] ids, List<Qp> batch, boolean jacobian) {
        int size = batch.size();
        Qp first = batch.get(0);
        int n = first.q().size();
        Var p = Var.param(stack(batch, Qp::p));
        Var q = Var.param(stack(batch, Qp::q));
        Var a = first.a() == null ? null : Var.param(stack(batch, Qp::a));
        Var b = first.b() == null ? null : Var.param(stack(batch, Qp::b));
        Var g = first.g() == null ? null : Var.param(stack(batch, Qp::g));
        Var h = first.h() == null ? null : Var.param(stack(batch, Qp::h));
        QpOutput out = DifferentiableQp.solveWithMultipliers(p, q, a, b, g, h,
                QpOptions.defaults().withFailurePolicy(FailurePolicy.FLAG));
        String[] names = {"P", "q", "A", "b", "G", "h"};
        Var[] all = {p, q, a, b, g, h};
        Tensor[] grads = gradients(out.z(), all, cotangents(batch.stream().map(Qp::cotangent).toList(), n));
        List<Map<String, double[]>> jacobians = jacobian ? jacobians(out.z(), all, names) : null;
        SolvedInstance[] results = new SolvedInstance[size];
        for (int k = 0; k < size; k++) {
            Qp in = batch.get(k);
            QpInstanceReport r = out.report().instances()[k];
            double[] z = row(out.z().value(), k);
            Status status = QpStatusCheck.verify(r.status(), QpProblem.of(in.p(), in.q(), in.a(), in.b(), in.g(),
                    in.h()), z, row(out.nu().value(), k), row(out.lambda().value(), k));
            if (in.cotangent() == null) {
                results[k] = new SolvedInstance(ids[k], "qp", status, null, z, null, null, null,
                        jacobian ? jacobians.get(k) : null);
                continue;
            }
            Map<String, double[]> grad = new LinkedHashMap<>();
            for (int j = 0; j < all.length; j++) {
                if (all[j] != null) {
                    grad.put(names[j], row(grads[j], k));
                }
            }
            Map<String, String> backward = new LinkedHashMap<>();
            backward.put("method", "kkt");
            backward.put("kkt_residual", Double.toString(r.kktResidual()));
            backward.put("active_constraints", Integer.toString(r.activeConstraints()));
            backward.put("degenerate", Boolean.toString(r.degenerate()));
            backward.put("regularized", Boolean.toString(r.regularized()));
            backward.put("condition_number", Double.toString(r.conditionNumber()));
            results[k] = new SolvedInstance(ids[k], "qp", status, null, z, grad, r.gradientStatus(), backward,
                    jacobian ? jacobians.get(k) : null);
        }
        return results;
    }

    private static SolvedInstance[] solveTopK(long[] ids, List<Top> batch, boolean jacobian) {
        Top first = batch.get(0);
        int n = first.c().size();
        Var c = Var.param(stack(batch, Top::c));
        Var x = TopK.layer(c, first.k(), first.eps(), first.entropy());
        Tensor[] grads = gradients(x, new Var[] {c}, cotangents(batch.stream().map(Top::cotangent).toList(), n));
        List<Map<String, double[]>> jacobians = jacobian ? jacobians(x, new Var[] {c}, new String[] {"c"}) : null;
        Map<String, String> backward = Map.of("method", "analytic ("
                + first.entropy().name().toLowerCase(Locale.ROOT) + " entropy)");
        SolvedInstance[] results = new SolvedInstance[batch.size()];
        for (int k = 0; k < batch.size(); k++) {
            double[] xk = row(x.value(), k);
            Status status = TopK.check(batch.get(k).c().data(), xk, first.k(), first.eps(), first.entropy()).status();
            Map<String, double[]> jk = jacobian ? jacobians.get(k) : null;
            results[k] = batch.get(k).cotangent() == null
                    ? new SolvedInstance(ids[k], "topk", status, null, xk, null, null, null, jk)
                    : new SolvedInstance(ids[k], "topk", status, null, xk, Map.of("c", row(grads[0], k)), status,
                            backward, jk);
        }
        return results;
    }

    /**
     * {@code min 1/2 x^T Q x + c^T sin(x)} over the box: projected Newton from {@code x = 0}, differentiated by
     * folding the projected-gradient update (backward method AUTO, failures flagged in the report).
     */
    private static SolvedInstance solveBox(InputRow row, boolean jacobian) {
        Tensor q = row.matrix("Q");
        Tensor c = row.vector("c");
        double lower = row.number("lower");
        double upper = row.number("upper");
        int n = c.size();
        if (q.dim(0) != n || q.dim(1) != n) {
            throw row.error("Q", "must be " + n + " x " + n + " to match \"c\", got " + q.dim(0) + " x " + q.dim(1));
        }
        if (!(lower < upper)) {
            throw row.error("upper", "must exceed \"lower\" = " + lower + ", got " + upper);
        }
        Tensor cot = cotangent(row, n);
        BoxNonconvexQp problem;
        try {
            problem = new BoxNonconvexQp(q, lower, upper);
        } catch (IllegalArgumentException e) {
            throw row.error("Q", e.getMessage());
        }
        ProjectedNewton.Result solution = problem.solve(c.data(), BOX_TOLERANCE, BOX_MAX_ITERATIONS, BOX_TIME_LIMIT);
        Tensor xs = Tensor.wrap(solution.x(), 1, n);
        Status status = xs.isFinite() ? solution.status() : Status.NUMERICAL_FAILURE;
        if (cot == null && !jacobian) {
            return new SolvedInstance(row.id(), "box-nonconvex-qp", status, null, solution.x(), null, null, null,
                    null);
        }
        FoldedLayer layer = new FoldedLayer(p -> xs, problem.updateMap(),
                FoldOptions.defaults().withOnFailure(FailurePolicy.FLAG));
        Var cv = Var.param(c.reshape(1, n));
        LayerCall call = layer.call(cv);
        Map<String, double[]> jk = jacobian ? jacobians(call.output(), new Var[] {cv}, new String[] {"c"}).get(0)
                : null;
        if (cot == null) {
            return new SolvedInstance(row.id(), "box-nonconvex-qp", status, null, solution.x(), null, null, null, jk);
        }
        Tensor grad = Autodiff.vjp(new Var[] {call.output()}, new Var[] {cv}, new Tensor[] {cot.reshape(1, n)})[0];
        InstanceReport r = call.report().orElseThrow().instances()[0];
        return new SolvedInstance(row.id(), "box-nonconvex-qp", status, null, solution.x(),
                Map.of("c", grad.data()), r.status(), backward(r), jk);
    }

    /** @return how a folded backward pass went: method, iterations, residuals, spectral radius, detail */
    private static Map<String, String> backward(InstanceReport r) {
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("method", r.method().toLowerCase(Locale.ROOT));
        backward.put("iterations", Integer.toString(r.iterations()));
        backward.put("relative_residual", Double.toString(r.relativeResidual()));
        backward.put("fixed_point_residual", Double.toString(r.fixedPointResidual()));
        r.spectralRadius().ifPresent(rho -> backward.put("spectral_radius", Double.toString(rho)));
        if (!r.detail().isEmpty()) {
            backward.put("detail", r.detail());
        }
        return backward;
    }

    /**
     * Solves rows of a user's family with parameter vectors of one length as one batch through the folded layer of
     * its algorithm (failures flagged, no warm start). A solution's status is {@link Status#OPTIMAL} if it is a
     * fixed point of the update to the layer's fixed-point tolerance {@code t}
     * ({@code ||U(s*, c) - s*|| / max(1, ||s*||) <= t} on the state {@code s*}), {@link Status#OPTIMAL_INACCURATE}
     * if within {@code sqrt(t)}, else {@link Status#NUMERICAL_FAILURE}; the derivative's status is the backward
     * solve's, or that of the solution when the backward solve met its tolerance.
     */
    private static SolvedInstance[] solveUser(long[] ids, List<User> batch, boolean jacobian) {
        User first = batch.get(0);
        FoldableFamily family = first.family();
        int p = first.c().size();
        FoldableAlgorithm algorithm = family.algorithm(p);
        FoldOptions options = family.options().withOnFailure(FailurePolicy.FLAG).withWarmStart(false);
        ForwardSolver solver = algorithm.solver(options.forwardTolerance(), options.forwardMaxIterations());
        Tensor[] state = new Tensor[1];
        FoldedLayer layer = new FoldedLayer(params -> state[0] = solver.solve(params), algorithm.updateMap(), options,
                algorithm::output);
        Var c = Var.param(stack(batch, User::c));
        boolean differentiate = first.cotangent() != null || jacobian;
        LayerCall call = differentiate ? layer.call(c) : GradMode.noGrad(() -> layer.call(c));
        Var x = call.output();
        double[] residuals = FoldedLayer.fixedPointResiduals(GradMode.noGrad(() -> algorithm.updateMap()
                .apply(Var.constant(state[0]), new Var[] {Var.constant(c.value())})).value(), state[0]);
        int n = x.dim(1);
        for (User u : batch) {
            if (u.cotangent() != null && u.cotangent().size() != n) {
                throw new IllegalArgumentException("column \"g\" must have " + n + " entries, one per entry of the "
                        + "solution, got " + u.cotangent().size());
            }
        }
        List<Map<String, double[]>> jacobians = jacobian ? jacobians(x, new Var[] {c}, new String[] {"c"}) : null;
        Tensor[] grads = gradients(x, new Var[] {c}, cotangents(batch.stream().map(User::cotangent).toList(), n));
        InstanceReport[] reports = grads[0] == null ? null : call.report().orElseThrow().instances();
        double t = options.fixedPointTolerance();
        SolvedInstance[] results = new SolvedInstance[batch.size()];
        for (int k = 0; k < batch.size(); k++) {
            double r = residuals[k];
            Status status = r <= t ? Status.OPTIMAL : r <= Math.sqrt(t) ? Status.OPTIMAL_INACCURATE
                    : Status.NUMERICAL_FAILURE;
            Map<String, double[]> jk = jacobian ? jacobians.get(k) : null;
            Tensor cot = batch.get(k).cotangent();
            if (cot == null) {
                results[k] = new SolvedInstance(ids[k], family.name(), status, null, row(x.value(), k), null, null,
                        null, jk);
            } else {
                InstanceReport rk = reports[k];
                results[k] = new SolvedInstance(ids[k], family.name(), status, null, row(x.value(), k),
                        Map.of("c", row(grads[0], k)), rk.converged() ? status : rk.status(), backward(rk), jk);
            }
        }
        return results;
    }

    /** @return the cotangents {@code (B, n)}, zero for rows without one; null if no row has one */
    private static Tensor cotangents(List<Tensor> cotangents, int n) {
        if (cotangents.stream().allMatch(t -> t == null)) {
            return null;
        }
        double[] d = new double[cotangents.size() * n];
        for (int k = 0; k < cotangents.size(); k++) {
            if (cotangents.get(k) != null) {
                System.arraycopy(cotangents.get(k).data(), 0, d, k * n, n);
            }
        }
        return Tensor.wrap(d, cotangents.size(), n);
    }

    /** @return {@code (d out / d p)^T cotangent} for every non-null {@code p}, or nulls without a cotangent */
    private static Tensor[] gradients(Var out, Var[] params, Tensor cotangent) {
        Tensor[] grads = new Tensor[params.length];
        if (cotangent == null) {
            return grads;
        }
        Var[] present = Arrays.stream(params).filter(v -> v != null).toArray(Var[]::new);
        Tensor[] computed = Autodiff.vjp(new Var[] {out}, present, new Tensor[] {cotangent});
        for (int j = 0, c = 0; j < params.length; j++) {
            if (params[j] != null) {
                grads[j] = computed[c++];
            }
        }
        return grads;
    }

    /**
     * @param out the batch's solutions {@code x (B, n)}
     * @param params the batched parameters (leading axis {@code B}; null for absent ones)
     * @param names their names
     * @return for every instance, {@code d x / d p} of every present parameter, shape {@code (n, shape of p)}
     *     flattened: row {@code j} is the VJP of the unit vector {@code e_j}, computed for all instances at once
     */
    private static List<Map<String, double[]>> jacobians(Var out, Var[] params, String[] names) {
        int batch = out.dim(0);
        int n = out.dim(1);
        Var[] present = Arrays.stream(params).filter(v -> v != null).toArray(Var[]::new);
        VjpPlan plan = Autodiff.plan(new Var[] {out}, present);
        double[][][] rows = new double[batch][present.length][];
        for (int j = 0; j < n; j++) {
            double[] e = new double[batch * n];
            for (int k = 0; k < batch; k++) {
                e[k * n + j] = 1;
            }
            Tensor[] grads = plan.apply(Tensor.wrap(e, batch, n));
            for (int i = 0; i < present.length; i++) {
                int len = grads[i].size() / batch;
                for (int k = 0; k < batch; k++) {
                    if (rows[k][i] == null) {
                        rows[k][i] = new double[n * len];
                    }
                    System.arraycopy(grads[i].data(), k * len, rows[k][i], j * len, len);
                }
            }
        }
        List<Map<String, double[]>> result = new ArrayList<>(batch);
        for (int k = 0; k < batch; k++) {
            Map<String, double[]> m = new LinkedHashMap<>();
            for (int j = 0, i = 0; j < params.length; j++) {
                if (params[j] != null) {
                    m.put(names[j], rows[k][i++]);
                }
            }
            result.add(m);
        }
        return result;
    }

    /** @return the per-instance tensors of the batch stacked along a new leading axis */
    private static <T> Tensor stack(List<T> batch, Function<T, Tensor> part) {
        Tensor first = part.apply(batch.get(0));
        int len = first.size();
        double[] d = new double[batch.size() * len];
        for (int k = 0; k < batch.size(); k++) {
            System.arraycopy(part.apply(batch.get(k)).data(), 0, d, k * len, len);
        }
        int[] shape = new int[first.rank() + 1];
        shape[0] = batch.size();
        System.arraycopy(first.shape(), 0, shape, 1, first.rank());
        return Tensor.wrap(d, shape);
    }

    /** @return row {@code k} of a tensor with a leading batch axis, flattened */
    private static double[] row(Tensor t, int k) {
        int len = t.size() / t.dim(0);
        return Arrays.copyOfRange(t.data(), k * len, (k + 1) * len);
    }

    private static int size(Tensor t) {
        return t == null ? 0 : t.size();
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String shortly(String text) {
        String line = text.strip();
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
