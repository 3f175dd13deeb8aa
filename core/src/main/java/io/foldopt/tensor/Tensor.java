package io.foldopt.tensor;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A dense tensor of doubles on flat row-major storage.
 *
 * <p>Conventions: rank 0 is a scalar, rank 1 a vector {@code (n)}, rank 2 either a batch of vectors
 * {@code (B, n)} or a matrix {@code (m, n)}, rank 3 a batch of matrices {@code (B, m, n)}. A tensor is
 * immutable by contract: {@link #data()} exposes the backing array for fast kernels, and no code may
 * write into the array of a tensor it did not just create. This lets a shared matrix be used by a
 * whole batch without copies, and lets {@link #transpose()} be cached.
 */
public final class Tensor {
    private final double[] data;
    private final int[] shape;
    private volatile Tensor transposed;
    private volatile double[][] rowArrays;

    private Tensor(double[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Wraps an array without copying it; the caller hands over ownership.
     *
     * @throws IllegalArgumentException if the length does not equal the product of the shape
     */
    public static Tensor wrap(double[] data, int... shape) {
        int[] s = shape.clone();
        long size = 1;
        for (int d : s) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(s));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " needs " + size
                    + " values, got " + data.length);
        }
        return new Tensor(data, s);
    }

    /** @return a tensor holding a copy of {@code data} with the given shape */
    public static Tensor of(double[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** @return the rank-0 tensor holding {@code value} */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, new int[0]);
    }

    /** @return the vector {@code (values.length)} holding a copy of {@code values} */
    public static Tensor vector(double... values) {
        return wrap(values.clone(), values.length);
    }

    /** @return the matrix {@code (rows.length, rows[0].length)} holding the given rows */
    public static Tensor matrix(double[][] rows) {
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] d = new double[m * n];
        for (int i = 0; i < m; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException("ragged matrix: row " + i + " has " + rows[i].length
                        + " entries, row 0 has " + n);
            }
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new Tensor(d, new int[] {m, n});
    }

    /** @return the all-zero tensor of the given shape */
    public static Tensor zeros(int... shape) {
        return wrap(new double[Shapes.size(shape)], shape);
    }

    /** @return the tensor of the given shape filled with {@code value} */
    public static Tensor full(double value, int... shape) {
        double[] d = new double[Shapes.size(shape)];
        Arrays.fill(d, value);
        return wrap(d, shape);
    }

    /** @return a tensor of independent standard normal entries drawn from {@code rng} */
    public static Tensor randn(RandomGenerator rng, int... shape) {
        double[] d = new double[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return wrap(d, shape);
    }

    /** @return the {@code n x n} identity matrix */
    public static Tensor eye(int n) {
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1.0;
        }
        return new Tensor(d, new int[] {n, n});
    }

    /** @return the backing array (row-major); callers must not modify it */
    public double[] data() {
        return data;
    }

    /** @return a copy of the shape */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the size of dimension {@code axis}; negative axes count from the end */
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    /** @return the number of elements */
    public int size() {
        return data.length;
    }

    /** @return the single value of a one-element tensor */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs one element, shape is " + Arrays.toString(shape));
        }
        return data[0];
    }

    /** @return the element at the given multi-index */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index rank " + index.length + " != tensor rank " + shape.length);
        }
        int flat = 0;
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0 || index[k] >= shape[k]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[k] + index[k];
        }
        return data[flat];
    }

    /** @return a copy of the data as a fresh array */
    public double[] toArray() {
        return data.clone();
    }

    /** @return the same data viewed with another shape of equal size (no copy) */
    public Tensor reshape(int... newShape) {
        return wrap(data, newShape);
    }

    /** @return true if {@code other} has the same shape as this tensor */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** @return true if every element is finite (no NaN, no infinity) */
    public boolean isFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** @return the index of the first non-finite element, or -1 */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Double.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Swaps the last two axes ({@code (m,n) -> (n,m)}, {@code (B,m,n) -> (B,n,m)}). The result is
     * computed once and cached, so repeated transposes of a shared matrix are free.
     */
    public Tensor transpose() {
        Tensor t = transposed;
        if (t == null) {
            if (shape.length < 2) {
                throw new IllegalArgumentException("transpose needs rank >= 2, shape is " + Arrays.toString(shape));
            }
            int m = dim(-2);
            int n = dim(-1);
            int batches = data.length / Math.max(1, m * n);
            double[] out = new double[data.length];
            for (int b = 0; b < batches; b++) {
                int off = b * m * n;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        out[off + j * m + i] = data[off + i * n + j];
                    }
                }
            }
            int[] s = shape.clone();
            s[s.length - 2] = n;
            s[s.length - 1] = m;
            t = new Tensor(out, s);
            t.transposed = this;
            transposed = t;
        }
        return t;
    }

    /**
     * The rows of the tensor seen as a {@code (size / n) x n} matrix ({@code n} the last axis), each
     * as its own array: the layout the product kernels vectorize best. Computed once and cached;
     * callers must not modify the arrays.
     */
    public double[][] rowArrays() {
        double[][] r = rowArrays;
        if (r == null) {
            int n = shape.length == 0 ? 1 : dim(-1);
            int count = shape.length == 0 ? 1 : Shapes.size(java.util.Arrays.copyOf(shape, shape.length - 1));
            r = Kernels.splitRows(data, 0, count, n, n);
            rowArrays = r;
        }
        return r;
    }

    /** @return {@code f} applied to every element */
    public Tensor map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new Tensor(out, shape);
    }

    /** @return the maximum absolute element (0 for an empty tensor) */
    public double maxAbs() {
        double m = 0;
        for (double v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** @return the Euclidean norm of all elements */
    public double norm() {
        double s = 0;
        for (double v : data) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** @return slice {@code b} of the leading axis (instance {@code b} of a batch), flattened, as a copy */
    public double[] row(int b) {
        int per = shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]);
        return Arrays.copyOfRange(data, b * per, (b + 1) * per);
    }

    @Override
    public String toString() {
        int shown = Math.min(data.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append('[');
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return sb.append(data.length > shown ? ", ...]" : "]").toString();
    }
}
