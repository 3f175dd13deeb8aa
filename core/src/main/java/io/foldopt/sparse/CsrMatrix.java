package io.foldopt.sparse;

import io.foldopt.autodiff.Var;
import io.foldopt.operator.KernelOperator;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A sparse matrix {@code A (m, n)} in compressed sparse row form with a fixed pattern, as a {@link
 * io.foldopt.operator.LinearOperator}: {@code apply(X) = X A^T} (row {@code b} is {@code A x_b}) and
 * {@code adjoint(Y) = Y A} (row {@code b} is {@code A^T y_b}) on batches {@code X (B, n)}, {@code Y (B, m)}.
 *
 * <p>The nonzero values are a {@link Var} of shape {@code (nnz)}, in row-major pattern order: a constant for a
 * fixed matrix, or (through {@link #withValues}) a parameter. Both products are differentiable in the dense operand
 * and in the values; the gradient of the values lives on the pattern only ({@code dA_k = sum_b g_{b,i} x_{b,j}}
 * for the entry {@code k = (i, j)}). Products run in parallel over rows (of {@code A} for {@code apply}, of
 * {@code A^T} for {@code adjoint}); the pattern of {@code A^T} is built once, on the first adjoint product, and
 * shared by every matrix made from this one by {@link #withValues}. Memory is {@code O(nnz + m + n)}.
 *
 * <p>An explicitly stored zero is part of the pattern (its value can be learned). Values must be finite.
 */
public final class CsrMatrix extends KernelOperator {
    private final Pattern pattern;

    private CsrMatrix(Pattern pattern, Var values) {
        super(pattern.rows, pattern.cols, values);
        this.pattern = pattern;
        int[] shape = values.shape();
        if (shape.length != 1 || shape[0] != pattern.nnz()) {
            throw new IllegalArgumentException("CsrMatrix: values have shape " + Arrays.toString(shape)
                    + ", the pattern has " + pattern.nnz() + " nonzeros");
        }
        double[] v = values.value().data();
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                throw new IllegalArgumentException("CsrMatrix: value " + k + " (row " + pattern.rowOf(k) + ", column "
                        + pattern.colIdx[k] + ") is " + v[k]);
            }
        }
    }

    /**
     * Builds a constant matrix from coordinate triplets {@code A[rows[k], cols[k]] += values[k]}, in any order.
     * Entries with the same position are summed into one stored entry (kept even if the sum is zero).
     *
     * @throws IllegalArgumentException naming the entry if an index is out of range or a value is not finite, or
     *     if the three arrays differ in length
     */
    public static CsrMatrix fromTriplets(int rows, int cols, int[] rowIndex, int[] colIndex, double[] values) {
        requireDimensions(rows, cols);
        int count = rowIndex.length;
        if (colIndex.length != count || values.length != count) {
            throw new IllegalArgumentException("CsrMatrix.fromTriplets: " + rowIndex.length + " row indices, "
                    + colIndex.length + " column indices and " + values.length + " values");
        }
        for (int k = 0; k < count; k++) {
            int i = rowIndex[k];
            int j = colIndex[k];
            if (i < 0 || i >= rows || j < 0 || j >= cols) {
                throw new IllegalArgumentException("CsrMatrix.fromTriplets: entry " + k + " (row " + i + ", column "
                        + j + ") is outside the " + rows + " x " + cols + " matrix");
            }
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException("CsrMatrix.fromTriplets: entry " + k + " (row " + i + ", column "
                        + j + ") has value " + values[k]);
            }
        }
        // Two stable counting sorts (by column, then by row) order the entries by (row, column) in O(nnz + m + n).
        int[] byCol = countingOrder(colIndex, null, cols);
        int[] order = countingOrder(rowIndex, byCol, rows);
        int[] rowPtr = new int[rows + 1];
        int[] colIdx = new int[count];
        double[] v = new double[count];
        int nnz = 0;
        int lastRow = -1;
        int lastCol = -1;
        for (int t = 0; t < count; t++) {
            int k = order[t];
            int i = rowIndex[k];
            int j = colIndex[k];
            if (i == lastRow && j == lastCol) {
                v[nnz - 1] += values[k];
                continue;
            }
            colIdx[nnz] = j;
            v[nnz] = values[k];
            rowPtr[i + 1]++;
            nnz++;
            lastRow = i;
            lastCol = j;
        }
        for (int i = 0; i < rows; i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        Pattern p = new Pattern(rows, cols, rowPtr, Arrays.copyOf(colIdx, nnz));
        return new CsrMatrix(p, Var.constant(Tensor.wrap(Arrays.copyOf(v, nnz), nnz)));
    }

    /**
     * Builds a constant matrix from compressed sparse row arrays: the entries of row {@code i} are at positions
     * {@code rowPointers[i] .. rowPointers[i+1]-1}, with strictly increasing column indices.
     *
     * @throws IllegalArgumentException naming the row or entry if the arrays are not a valid CSR structure
     *     (decreasing pointers, unsorted or duplicate columns, an index out of range, a non-finite value)
     */
    public static CsrMatrix fromCsr(int rows, int cols, int[] rowPointers, int[] columnIndices, double[] values) {
        requireDimensions(rows, cols);
        int nnz = columnIndices.length;
        if (rowPointers.length != rows + 1 || values.length != nnz) {
            throw new IllegalArgumentException("CsrMatrix.fromCsr: needs " + (rows + 1) + " row pointers and " + nnz
                    + " values (one per column index), got " + rowPointers.length + " pointers and " + values.length
                    + " values");
        }
        if (rowPointers[0] != 0 || rowPointers[rows] != nnz) {
            throw new IllegalArgumentException("CsrMatrix.fromCsr: row pointers must run from 0 to " + nnz
                    + " (the number of column indices), got " + rowPointers[0] + " to " + rowPointers[rows]);
        }
        for (int i = 0; i < rows; i++) {
            if (rowPointers[i + 1] < rowPointers[i]) {
                throw new IllegalArgumentException("CsrMatrix.fromCsr: row pointer " + (i + 1) + " is smaller than"
                        + " row pointer " + i);
            }
            for (int k = rowPointers[i]; k < rowPointers[i + 1]; k++) {
                int j = columnIndices[k];
                if (j < 0 || j >= cols) {
                    throw new IllegalArgumentException("CsrMatrix.fromCsr: entry " + k + " (row " + i + ", column "
                            + j + ") is outside the " + rows + " x " + cols + " matrix");
                }
                if (k > rowPointers[i] && j <= columnIndices[k - 1]) {
                    throw new IllegalArgumentException("CsrMatrix.fromCsr: entry " + k + " (row " + i + ", column "
                            + j + ") is unsorted or duplicate: columns within a row must increase strictly");
                }
            }
        }
        Pattern p = new Pattern(rows, cols, rowPointers.clone(), columnIndices.clone());
        return new CsrMatrix(p, Var.constant(Tensor.of(values, nnz)));
    }

    /**
     * @param dense a matrix {@code (m, n)}
     * @return the constant sparse matrix of its nonzero entries (exact zeros are not stored)
     */
    public static CsrMatrix fromDense(Tensor dense) {
        if (dense.rank() != 2) {
            throw new IllegalArgumentException("CsrMatrix.fromDense: needs a matrix (m, n), got shape "
                    + Arrays.toString(dense.shape()));
        }
        int m = dense.dim(0);
        int n = dense.dim(1);
        double[] a = dense.data();
        int nnz = 0;
        for (double x : a) {
            nnz += x != 0 ? 1 : 0;
        }
        int[] rowPtr = new int[m + 1];
        int[] colIdx = new int[nnz];
        double[] v = new double[nnz];
        int k = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (a[i * n + j] != 0) {
                    colIdx[k] = j;
                    v[k++] = a[i * n + j];
                }
            }
            rowPtr[i + 1] = k;
        }
        return new CsrMatrix(new Pattern(m, n, rowPtr, colIdx), Var.constant(Tensor.wrap(v, nnz)));
    }

    /**
     * @param values new nonzero values {@code (nnz)} in pattern order, for example a {@link Var#param} to learn
     * @return the matrix with this pattern and these values
     */
    public CsrMatrix withValues(Var values) {
        return new CsrMatrix(pattern, values);
    }

    /** @return the nonzero values {@code (nnz)} in row-major pattern order */
    public Var values() {
        return parameters();
    }

    /** @return the number of stored entries */
    public int nnz() {
        return pattern.nnz();
    }

    /** @return a copy of the row pointers {@code (m + 1)} */
    public int[] rowPointers() {
        return pattern.rowPtr.clone();
    }

    /** @return a copy of the column indices {@code (nnz)} */
    public int[] columnIndices() {
        return pattern.colIdx.clone();
    }

    /** @return the row of every stored entry {@code (nnz)}, in pattern order */
    public int[] rowIndices() {
        int[] r = new int[nnz()];
        for (int i = 0; i < pattern.rows; i++) {
            for (int k = pattern.rowPtr[i]; k < pattern.rowPtr[i + 1]; k++) {
                r[k] = i;
            }
        }
        return r;
    }

    /** @return the dense matrix {@code (m, n)} (for tests and small matrices) */
    public Tensor toDense() {
        int n = pattern.cols;
        double[] out = new double[pattern.rows * n];
        double[] v = values().value().data();
        for (int i = 0; i < pattern.rows; i++) {
            for (int k = pattern.rowPtr[i]; k < pattern.rowPtr[i + 1]; k++) {
                out[i * n + pattern.colIdx[k]] = v[k];
            }
        }
        return Tensor.wrap(out, pattern.rows, n);
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        multiply(pattern.rowPtr, pattern.colIdx, null, p, x, pattern.cols, out, pattern.rows, batch);
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        Pattern t = pattern.transposed();
        multiply(t.rowPtr, t.colIdx, t.perm, p, y, pattern.rows, out, pattern.cols, batch);
    }

    @Override
    protected void parameterGradient(double[] x, double[] y, double[] out, int batch) {
        int[] rowPtr = pattern.rowPtr;
        int[] colIdx = pattern.colIdx;
        int m = pattern.rows;
        int n = pattern.cols;
        Parallel.forEach(m, workPerRow(batch), i -> {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int j = colIdx[k];
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    s += y[b * m + i] * x[b * n + j];
                }
                out[k] = s;
            }
        });
    }

    /**
     * {@code out[b, i] = sum_{k in row i} p[perm[k]] x[b, idx[k]]} (no permutation when {@code perm} is null), in
     * parallel over the rows.
     */
    private void multiply(int[] ptr, int[] idx, int[] perm, double[] p, double[] x, int in, double[] out, int outDim,
            int batch) {
        Parallel.forEach(outDim, workPerRow(batch), i -> {
            for (int b = 0; b < batch; b++) {
                int xo = b * in;
                double s = 0;
                for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                    s += p[perm == null ? k : perm[k]] * x[xo + idx[k]];
                }
                out[b * outDim + i] = s;
            }
        });
    }

    private long workPerRow(int batch) {
        return 2L * batch * (1 + nnz() / Math.max(1, Math.max(pattern.rows, pattern.cols)));
    }

    @Override
    public String toString() {
        return "CsrMatrix(" + pattern.rows + " x " + pattern.cols + ", " + nnz() + " nonzeros)";
    }

    private static void requireDimensions(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("CsrMatrix: dimensions must be >= 0, got " + rows + " x " + cols);
        }
    }

    /**
     * @return the permutation that sorts positions {@code order} (all positions if null) stably by {@code key}, a
     *     key in {@code [0, range)}
     */
    private static int[] countingOrder(int[] key, int[] order, int range) {
        int count = key.length;
        int[] start = new int[range + 1];
        for (int k : key) {
            start[k + 1]++;
        }
        for (int r = 0; r < range; r++) {
            start[r + 1] += start[r];
        }
        int[] out = new int[count];
        for (int t = 0; t < count; t++) {
            int k = order == null ? t : order[t];
            out[start[key[k]]++] = k;
        }
        return out;
    }

    /** A CSR pattern; for the pattern of {@code A^T}, {@code perm[k]} is the position in {@code A} of entry k. */
    private static final class Pattern {
        final int rows;
        final int cols;
        final int[] rowPtr;
        final int[] colIdx;
        final int[] perm;
        private volatile Pattern transposed;

        Pattern(int rows, int cols, int[] rowPtr, int[] colIdx) {
            this(rows, cols, rowPtr, colIdx, null);
        }

        private Pattern(int rows, int cols, int[] rowPtr, int[] colIdx, int[] perm) {
            this.rows = rows;
            this.cols = cols;
            this.rowPtr = rowPtr;
            this.colIdx = colIdx;
            this.perm = perm;
        }

        int nnz() {
            return colIdx.length;
        }

        /** @return the row of stored entry {@code k} (binary search) */
        int rowOf(int k) {
            int lo = 0;
            int hi = rows - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (rowPtr[mid] <= k) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        /** @return the pattern of {@code A^T} with the permutation into this pattern's values, built once */
        Pattern transposed() {
            Pattern t = transposed;
            if (t == null) {
                synchronized (this) {
                    t = transposed;
                    if (t == null) {
                        t = buildTranspose();
                        transposed = t;
                    }
                }
            }
            return t;
        }

        private Pattern buildTranspose() {
            int[] tPtr = new int[cols + 1];
            for (int j : colIdx) {
                tPtr[j + 1]++;
            }
            for (int j = 0; j < cols; j++) {
                tPtr[j + 1] += tPtr[j];
            }
            int[] next = Arrays.copyOf(tPtr, cols);
            int[] tIdx = new int[nnz()];
            int[] tPerm = new int[nnz()];
            for (int i = 0; i < rows; i++) {
                for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                    int q = next[colIdx[k]]++;
                    tIdx[q] = i;
                    tPerm[q] = k;
                }
            }
            return new Pattern(cols, rows, tPtr, tIdx, tPerm);
        }
    }
}
