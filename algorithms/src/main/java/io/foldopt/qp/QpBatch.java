package io.foldopt.qp;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A validated batch of QP instances {@code min 1/2 z^T P_k z + q_k^T z  s.t.  A_k z = b_k,  G_k z <= h_k},
 * {@code k = 0..B-1}.
 *
 * <p>Each parameter is either shared by the batch or given per instance: {@code P (n, n) | (B, n, n)},
 * {@code q (n) | (B, n)}, {@code A (p, n) | (B, p, n)}, {@code b (p) | (B, p)}, {@code G (m, n) | (B, m, n)},
 * {@code h (m) | (B, m)}. {@code A, b} and {@code G, h} may each be absent (null) as pairs. The batch size
 * {@code B} is that of the per-instance parameters (all must agree), or 1 if every parameter is shared.
 * Shared arrays are never copied per instance.
 */
public final class QpBatch {
    private final Tensor pm;
    private final Tensor q;
    private final Tensor a;
    private final Tensor b;
    private final Tensor g;
    private final Tensor h;
    private final int batch;
    private final int n;
    private final int p;
    private final int m;
    /** The symmetric part of a shared P, or null if P is per instance. */
    private final double[] sharedP;
    /** The instances, made once by {@link #checkFiniteAndConvex()}. */
    private final QpProblem[] instances;

    private QpBatch(Tensor pm, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h, int batch) {
        this.pm = pm;
        this.q = q;
        this.a = a;
        this.b = b;
        this.g = g;
        this.h = h;
        this.batch = batch;
        this.n = pm.dim(-1);
        this.p = b == null ? 0 : b.dim(-1);
        this.m = h == null ? 0 : h.dim(-1);
        this.sharedP = pm.rank() == 2 ? symmetricPart(pm.data(), 0, n) : null;
        this.instances = new QpProblem[batch];
    }

    /**
     * Validates the parameters of a batch (shapes in the class comment).
     *
     * @throws IllegalArgumentException naming the parameter (and the instance, for a per-instance one) on a
     *     missing or mismatched shape, inconsistent batch sizes, a non-finite entry, or a {@code P} that is
     *     not positive semidefinite ({@link QpProblem#isPositiveSemidefinite})
     */
    public static QpBatch of(Tensor pm, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h) {
        if (pm == null || q == null) {
            throw new IllegalArgumentException("P and q are required" + (pm == null ? "; P is null" : "; q is null"));
        }
        if ((a == null) != (b == null) || (g == null) != (h == null)) {
            String which = (a == null) != (b == null) ? (a == null ? "b is given without A" : "A is given without b")
                    : (g == null ? "h is given without G" : "G is given without h");
            throw new IllegalArgumentException("constraints come in pairs (A, b) and (G, h): " + which);
        }
        if (pm.rank() < 2 || pm.rank() > 3 || pm.dim(-1) != pm.dim(-2)) {
            throw new IllegalArgumentException("P must be square, of shape (n, n) or (B, n, n); its shape is "
                    + Arrays.toString(pm.shape()));
        }
        int n = pm.dim(-1);
        int[] batch = {-1};
        String[] batchSource = {null};
        checkShape("P", pm, batch, batchSource, n, n);
        checkShape("q", q, batch, batchSource, n);
        if (a != null) {
            if (a.rank() < 2) {
                throw shapeError("A", a, "(p, n) or (B, p, n) with n = " + n);
            }
            int p = a.dim(-2);
            checkShape("A", a, batch, batchSource, p, n);
            checkShape("b", b, batch, batchSource, p);
        }
        if (g != null) {
            if (g.rank() < 2) {
                throw shapeError("G", g, "(m, n) or (B, m, n) with n = " + n);
            }
            int m = g.dim(-2);
            checkShape("G", g, batch, batchSource, m, n);
            checkShape("h", h, batch, batchSource, m);
        }
        QpBatch out = new QpBatch(pm, q, a, b, g, h, Math.max(1, batch[0]));
        out.checkFiniteAndConvex();
        return out;
    }

    /**
     * Checks that {@code t} has the trailing dimensions {@code dims}, either exactly (shared) or with one
     * leading batch axis, and that its batch size agrees with the ones seen so far.
     */
    private static void checkShape(String name, Tensor t, int[] batch, String[] batchSource, int... dims) {
        int[] s = t.shape();
        boolean shared = Arrays.equals(s, dims);
        boolean batched = s.length == dims.length + 1 && Arrays.equals(Arrays.copyOfRange(s, 1, s.length), dims);
        if (!shared && !batched) {
            String want = Arrays.toString(dims).replace('[', '(').replace(']', ')');
            String wantBatched = want.replace("(", "(B, ");
            throw shapeError(name, t, want + " or " + wantBatched);
        }
        if (batched) {
            if (batch[0] >= 0 && batch[0] != s[0]) {
                throw new IllegalArgumentException(name + " has batch size " + s[0] + " but " + batchSource[0]
                        + " has batch size " + batch[0]);
            }
            batch[0] = s[0];
            batchSource[0] = name;
        }
    }

    private static IllegalArgumentException shapeError(String name, Tensor t, String expected) {
        return new IllegalArgumentException(name + " must have shape " + expected + "; its shape is "
                + Arrays.toString(t.shape()));
    }

    private void checkFiniteAndConvex() {
        String[] names = {"P", "q", "A", "b", "G", "h"};
        Tensor[] params = {pm, q, a, b, g, h};
        int[] instanceRanks = {3, 2, 3, 2, 3, 2};
        for (int k = 0; k < params.length; k++) {
            Tensor t = params[k];
            int bad = t == null ? -1 : t.firstNonFinite();
            if (bad >= 0) {
                boolean perInstance = t.rank() == instanceRanks[k];
                int stride = t.size() / (perInstance ? batch : 1);
                throw new IllegalArgumentException(names[k] + (perInstance ? " of instance " + bad / stride
                        : " (shared by all instances)") + " has a non-finite entry (" + t.data()[bad]
                        + ") at flat position " + bad % stride);
            }
        }
        if (sharedP != null && !QpProblem.isPositiveSemidefinite(sharedP, n)) {
            throw new IllegalArgumentException("P (shared by all instances) is not positive semidefinite");
        }
        boolean[] convex = new boolean[batch];
        Parallel.forEach(batch, (long) n * n * n / 6, k -> {
            instances[k] = newInstance(k);
            convex[k] = sharedP != null || QpProblem.isPositiveSemidefinite(instances[k].pm, n);
        });
        for (int k = 0; k < batch; k++) {
            if (!convex[k]) {
                throw new IllegalArgumentException("P of instance " + k + " is not positive semidefinite");
            }
        }
    }

    /** @return {@code (M + M^T) / 2} of the {@code n x n} block of {@code data} at {@code off} */
    private static double[] symmetricPart(double[] data, int off, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * (data[off + i * n + j] + data[off + j * n + i]);
            }
        }
        return s;
    }

    /** @return the batch size {@code B} */
    public int size() {
        return batch;
    }

    /** @return the number of variables {@code n} */
    public int n() {
        return n;
    }

    /** @return the number of equality constraints {@code p} */
    public int equalities() {
        return p;
    }

    /** @return the number of inequality constraints {@code m} */
    public int inequalities() {
        return m;
    }

    /** @return instance {@code k}; shared parameters are not copied */
    public QpProblem instance(int k) {
        if (k < 0 || k >= batch) {
            throw new IndexOutOfBoundsException("instance " + k + " outside batch of size " + batch);
        }
        return instances[k];
    }

    private QpProblem newInstance(int k) {
        double[] pk = sharedP != null ? sharedP : symmetricPart(pm.data(), k * n * n, n);
        return new QpProblem(n, pk, part(q, k, 1), part(a, k, 2), part(b, k, 1), part(g, k, 2), part(h, k, 1));
    }

    /** @return instance {@code k}'s values of a parameter whose unbatched rank is {@code rank} */
    private static double[] part(Tensor t, int k, int rank) {
        if (t == null) {
            return new double[0];
        }
        if (t.rank() == rank) {
            return t.data();
        }
        int len = t.size() / t.dim(0);
        return Arrays.copyOfRange(t.data(), k * len, (k + 1) * len);
    }
}
