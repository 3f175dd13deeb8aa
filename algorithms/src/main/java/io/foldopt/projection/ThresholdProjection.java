package io.foldopt.projection;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Projections by a threshold {@code tau}: the capped simplex {@code {0 <= y <= u, 1^T y = k}} (the simplex
 * when {@code u = +inf, k = 1}), {@code P_i = clip(x_i - tau, 0, u_i)} with {@code sum_i P_i = k}, and the
 * l1 ball {@code {||y||_1 <= r}}, {@code P_i = sign(x_i) max(|x_i| - tau, 0)} with {@code ||P||_1 = r} when
 * {@code ||x||_1 > r}.
 *
 * <p>With the values {@code v} ({@code x}, or {@code |x|} for the l1 ball) and the signs {@code s} (1, or
 * {@code sign(x)}), the free set {@code F = {tau < v_i < tau + u_i}} and the upper set
 * {@code U = {v_i >= tau + u_i}} (both cached), the projection is locally
 * {@code P_F = s_F (v_F - tau)}, {@code P_U = u_U}, 0 elsewhere, with
 * {@code tau = (sum_F v + sum_U u - k) / |F|}. Its Jacobians: {@code dP/dx = diag(1_F) - s_F s_F^T / |F|},
 * {@code dP/dk = s_F / |F|}, {@code dP/du_i = e_i - 1_F / |F|} for {@code i} in {@code U}. An instance
 * whose constraint is not binding (an l1 ball that contains {@code x}) is <em>uncoupled</em>:
 * {@code P = x}, {@code dP/dx = I}, {@code dP/dr = 0}. If {@code F} is empty, the {@code 1 / |F|} terms
 * are dropped.
 */
final class ThresholdProjection extends ProjectionOp {
    private final Tensor x;
    /** True for the l1 ball: threshold {@code |x|}, restore the signs. */
    private final boolean signed;
    /** The caps {@code u}, or null for none ({@code u = +inf}). */
    private final Operand caps;
    /** The level: {@code k}, or the radius {@code r}. */
    private final Operand level;
    private final int capsInput;
    private final int levelInput;
    private final byte[] state;
    private final int[] freeCount;
    private final boolean[] coupled;

    private ThresholdProjection(Tensor x, boolean signed, Operand caps, Operand level, int capsInput,
            int levelInput) {
        super(x.dim(0), x.dim(1));
        this.x = x;
        this.signed = signed;
        this.caps = caps;
        this.level = level;
        this.capsInput = capsInput;
        this.levelInput = levelInput;
        this.state = new byte[batch * n];
        this.freeCount = new int[batch];
        this.coupled = new boolean[batch];
    }

    /** @see Projections#simplex(Var) */
    static Var simplex(Var x) {
        requireBatch("simplex", x);
        Var one = Var.scalar(1.0);
        Operand k = Operand.perInstance("simplex", "k", one, x.dim(0));
        ThresholdProjection op = new ThresholdProjection(x.value(), false, null, k, -1, 1);
        return op.record(op.project(), x, one);
    }

    /** @see Projections#cappedSimplex(Var, Var, Var) */
    static Var cappedSimplex(Var x, Var u, Var k) {
        String name = "cappedSimplex";
        requireBatch(name, x);
        int batch = x.dim(0);
        int n = x.dim(1);
        Operand caps = Operand.perCoordinate(name, "u", u, batch, n);
        Operand level = Operand.perInstance(name, "k", k, batch);
        caps.require(v -> v >= 0, ">= 0 (+Infinity allowed)");
        level.require(v -> v >= 0 && v < Double.POSITIVE_INFINITY, "finite and >= 0 (the set is empty otherwise)");
        int rows = Math.max(caps.rows(), level.rows());
        for (int b = 0; b < rows; b++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                total += caps.get(b, j);
            }
            if (level.get(b) > total) {
                throw new IllegalArgumentException("cappedSimplex: k = " + level.get(b) + " exceeds sum(u) = " + total
                        + (rows > 1 ? " in instance " + b : "") + ": the set {0 <= x <= u, 1^T x = k} is empty");
            }
        }
        ThresholdProjection op = new ThresholdProjection(x.value(), false, caps, level, 1, 2);
        return op.record(op.project(), x, u, k);
    }

    /** @see Projections#l1Ball(Var, Var) */
    static Var l1Ball(Var x, Var radius) {
        requireBatch("l1Ball", x);
        Operand level = Operand.perInstance("l1Ball", "radius", radius, x.dim(0));
        level.require(v -> v >= 0 && v < Double.POSITIVE_INFINITY, "finite and >= 0");
        ThresholdProjection op = new ThresholdProjection(x.value(), true, null, level, -1, 1);
        return op.record(op.project(), x, radius);
    }

    private Tensor project() {
        double[] out = new double[batch * n];
        forEachRow(20L * n, b -> projectRow(b, out));
        return Tensor.wrap(out, batch, n);
    }

    private void projectRow(int b, double[] out) {
        double[] xs = x.data();
        int off = b * n;
        double k = level.get(b);
        double[] v = xs;
        int vOff = off;
        if (signed) {
            v = new double[n];
            double norm1 = 0;
            for (int j = 0; j < n; j++) {
                v[j] = Math.abs(xs[off + j]);
                norm1 += v[j];
            }
            if (norm1 <= k) {
                // Inside (uncoupled, P = x) or on the sphere (coupled, free set = the nonzero coordinates).
                boolean onSphere = norm1 == k;
                int free = 0;
                for (int j = 0; j < n; j++) {
                    boolean f = !onSphere || xs[off + j] != 0;
                    state[off + j] = f ? FREE : LOWER;
                    free += f ? 1 : 0;
                }
                coupled[b] = onSphere;
                freeCount[b] = free;
                System.arraycopy(xs, off, out, off, n);
                return;
            }
            vOff = 0;
        }
        coupled[b] = true;
        // tau of the l1 ball is positive: the floor keeps zero coordinates out of F despite rounding.
        double floor = signed ? 0.0 : Double.NEGATIVE_INFINITY;
        double tau = Math.max(floor, classify(v, vOff, b, k, scan(v, vOff, b, k)));
        classify(v, vOff, b, k, tau);
        for (int j = 0; j < n; j++) {
            int t = off + j;
            if (state[t] == FREE) {
                double p = v[vOff + j] - tau;
                out[t] = signed ? Math.copySign(p, xs[t]) : p;
            } else if (state[t] == UPPER) {
                out[t] = caps.get(b, j);
            }
        }
    }

    /**
     * @return a threshold {@code tau} with {@code h(tau) = sum_j clip(v_j - tau, 0, u_j) = k}, accurate to
     *     rounding: {@code h} is piecewise linear and nonincreasing with breakpoints {@code v_j} (where
     *     coordinate {@code j} leaves 0) and {@code v_j - u_j} (where it reaches {@code u_j}); both lists are
     *     sorted and merged from the largest down until {@code h} reaches {@code k}, then {@code h} is
     *     interpolated on that segment. Where {@code h = k} on a whole segment the largest such {@code tau}.
     */
    private double scan(double[] v, int vOff, int b, double k) {
        double[] enter = Arrays.copyOfRange(v, vOff, vOff + n);
        Arrays.sort(enter);
        double[] reach = new double[caps == null ? 0 : n];
        int reaches = 0;
        for (int j = 0; j < reach.length; j++) {
            double u = caps.get(b, j);
            if (u < Double.POSITIVE_INFINITY) {
                reach[reaches++] = v[vOff + j] - u;
            }
        }
        Arrays.sort(reach, 0, reaches);
        int ie = n - 1;
        int ir = reaches - 1;
        double tau = enter[ie];
        double h = 0;
        int slope = 0;
        while (h < k) {
            boolean entering = ie >= 0 && (ir < 0 || enter[ie] >= reach[ir]);
            if (!entering && ir < 0) {
                return slope > 0 ? tau - (k - h) / slope : tau;
            }
            double next = entering ? enter[ie] : reach[ir];
            double hNext = h + slope * (tau - next);
            if (hNext >= k) {
                return tau - (k - h) / slope;
            }
            tau = next;
            h = hNext;
            if (entering) {
                slope++;
                ie--;
            } else {
                slope--;
                ir--;
            }
        }
        return tau;
    }

    /**
     * Sets the state of row {@code b} from {@code tau} ({@code v_j <= tau}: {@link #LOWER}; else
     * {@code v_j >= tau + u_j}: {@link #UPPER}; else {@link #FREE}) and its free count.
     *
     * @return the threshold recomputed from these sets, {@code (sum_F v + sum_U u - k) / |F|}, or {@code tau}
     *     if {@code F} is empty
     */
    private double classify(double[] v, int vOff, int b, double k, double tau) {
        int off = b * n;
        int free = 0;
        double sum = -k;
        for (int j = 0; j < n; j++) {
            double vj = v[vOff + j];
            double u = caps == null ? Double.POSITIVE_INFINITY : caps.get(b, j);
            if (vj <= tau) {
                state[off + j] = LOWER;
            } else if (vj >= tau + u) {
                state[off + j] = UPPER;
                sum += u;
            } else {
                state[off + j] = FREE;
                free++;
                sum += vj;
            }
        }
        freeCount[b] = free;
        return free > 0 ? sum / free : tau;
    }

    /** @return {@code s_j} of coordinate {@code t}: {@code sign(x_t)} for the l1 ball, else 1 */
    private double sign(int t) {
        return signed ? Math.signum(x.data()[t]) : 1.0;
    }

    /** @return {@code s_F^T g_F / |F|} of row {@code b}, or 0 if it is uncoupled or {@code F} is empty */
    private double freeMean(double[] g, int b) {
        if (!coupled[b] || freeCount[b] == 0) {
            return 0.0;
        }
        double s = 0;
        for (int t = b * n; t < (b + 1) * n; t++) {
            if (state[t] == FREE) {
                s += sign(t) * g[t];
            }
        }
        return s / freeCount[b];
    }

    @Override
    Tensor[] vjp(Tensor g, boolean[] needsGrad) {
        return eachNeeded(needsGrad, i -> vjp(i, g));
    }

    /** @return the VJP for operand {@code input} alone */
    private Tensor vjp(int input, Tensor g) {
        double[] gd = g.data();
        if (input == levelInput) {
            double[] out = new double[batch];
            forEachRow(n, b -> out[b] = freeMean(gd, b));
            return level.reduce(out);
        }
        // dP/dx^T g = g_F - s_F mean, and dP/du^T g = g_U - 1_U mean (no signs: caps only on the simplex).
        byte target = input == capsInput ? UPPER : FREE;
        double[] out = new double[batch * n];
        forEachRow(n, b -> {
            double mean = freeMean(gd, b);
            for (int t = b * n; t < (b + 1) * n; t++) {
                if (state[t] == target) {
                    out[t] = gd[t] - sign(t) * mean;
                }
            }
        });
        return input == capsInput ? caps.reduce(out) : Tensor.wrap(out, batch, n);
    }

    @Override
    Var frozen(Var[] in) {
        // P = x_F - s (s^T x_F + 1^T u_U - k) / |F| + u_U, with s = 0 on uncoupled rows.
        double[] weights = new double[batch * n];
        double[] inverseCount = new double[batch];
        for (int b = 0; b < batch; b++) {
            boolean c = coupled[b] && freeCount[b] > 0;
            inverseCount[b] = c ? 1.0 / freeCount[b] : 0.0;
            for (int t = b * n; t < (b + 1) * n; t++) {
                weights[t] = c && state[t] == FREE ? sign(t) : 0.0;
            }
        }
        Var s = Var.constant(Tensor.wrap(weights, batch, n));
        Var xs = in[0];
        Var excess = rowSum(xs.mul(s)).sub(level.broadcastable(in[levelInput]));
        Var capped = caps == null ? null : masked(in[capsInput], mask(state, UPPER));
        if (capped != null) {
            excess = excess.add(rowSum(capped));
        }
        Var p = masked(xs, mask(state, FREE)).sub(s.mul(excess.mul(column(inverseCount))));
        return capped == null ? p : p.add(capped);
    }
}
