package io.foldopt.blas;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.GemmBackend;
import io.foldopt.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The {@link GemmBackend} that computes {@code C += s A B} with OpenBLAS's {@code cblas_dgemm}
 * (the library shipped in the {@code org.bytedeco:openblas} linux-x86_64 jar), found by
 * {@link java.util.ServiceLoader} when this module is on the class path.
 *
 * <p>OpenBLAS runs single-threaded; a large product is split into row blocks computed in parallel
 * through {@link Parallel}, like the pure-Java kernel, so batches parallelized by foldopt do not
 * oversubscribe the cores; rows of {@code A} that are all zero are skipped. Each row block copies its rows of
 * {@code A} and {@code C} into native buffers owned by its thread (reused across calls); {@code B} is copied
 * once per call, except a matrix held by a tensor, whose native copy is kept as long as the tensor is reachable
 * (tensors are immutable).
 */
public final class OpenBlasGemm implements GemmBackend {
    /** Native copies of shared matrices, by tensor identity; an entry goes when its tensor is collected. */
    private final Map<Tensor, DoublePointer> prepared = new WeakHashMap<>();
    /** Per thread, native buffers for rows of {@code A} and {@code C}, grown as needed. */
    private final ThreadLocal<DoublePointer[]> buffers = ThreadLocal.withInitial(() -> new DoublePointer[2]);

    /** Where the JNI library was loaded from; the OpenBLAS library lies next to it. */
    private final String jniLibrary;

    /** Loads the native library and sets OpenBLAS to one thread; throws a {@link LinkageError} if it cannot load. */
    public OpenBlasGemm() {
        jniLibrary = Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    /**
     * @return the OpenBLAS shared library this backend runs ({@code libopenblas_nolapack.so.0}, extracted from the
     *     jar into JavaCPP's cache), for running another program on the same BLAS
     */
    public Path library() {
        return Path.of(jniLibrary).resolveSibling("libopenblas_nolapack.so.0");
    }

    @Override
    public String name() {
        return "openblas";
    }

    /**
     * @return {@code openblas VERSION}, followed by the environment variables that choose OpenBLAS's kernels and
     *     blocking ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}) when they are set: OpenBLAS reads them when
     *     it loads, and a forced core type overrides its detection of the processor
     */
    @Override
    public String description() {
        StringBuilder s = new StringBuilder(name()).append(' ')
                .append(openblas_nolapack.OPENBLAS_VERSION.replace("OpenBLAS", "").trim());
        String settings = Stream.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                .filter(v -> System.getenv(v) != null).map(v -> v + "=" + System.getenv(v))
                .collect(Collectors.joining(", "));
        return settings.isEmpty() ? s.toString() : s.append(" (").append(settings).append(')').toString();
    }

    @Override
    public void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c,
            int cOff, int ldc, int rows, int inner, int cols) {
        if (rows == 0 || cols == 0 || inner == 0) {
            return;
        }
        int bLen = (inner - 1) * ldb + cols;
        try (DoublePointer pb = new DoublePointer(bLen)) {
            pb.put(b, bOff, bLen);
            run(s, a, aOff, lda, pb, ldb, c, cOff, ldc, rows, inner, cols);
        }
    }

    @Override
    public void multiplyAdd(double s, double[] a, int aOff, int lda, Tensor b, double[] c, int cOff, int ldc,
            int rows) {
        int inner = b.dim(-2);
        int cols = b.dim(-1);
        if (rows == 0 || cols == 0 || inner == 0) {
            return;
        }
        DoublePointer pb;
        synchronized (prepared) {
            pb = prepared.get(b);
            if (pb == null) {
                pb = new DoublePointer(b.data());
                prepared.put(b, pb);
            }
        }
        run(s, a, aOff, lda, pb, cols, c, cOff, ldc, rows, inner, cols);
    }

    /**
     * {@code C += s A B} with {@code B} in native memory: the rows of {@code A} that are not all zero (a zero row
     * leaves its row of {@code C} unchanged: an instance of a batched solve that has stopped) are packed with their
     * rows of {@code C} and multiplied in row blocks in parallel.
     */
    private void run(double s, double[] a, int aOff, int lda, DoublePointer pb, int ldb, double[] c, int cOff,
            int ldc, int rows, int inner, int cols) {
        int[] live = new int[rows];
        int count = 0;
        for (int r = 0; r < rows; r++) {
            if (!isZero(a, aOff + r * lda, inner)) {
                live[count++] = r;
            }
        }
        if (count == 0) {
            return;
        }
        int liveRows = count;
        long work = (long) liveRows * inner * cols;
        int chunks = work < Parallel.MIN_PARALLEL_WORK ? 1 : Math.min(liveRows, Parallel.threadsHere());
        Parallel.forEach(chunks, work / chunks, ch -> {
            int r0 = (int) ((long) liveRows * ch / chunks);
            int r1 = (int) ((long) liveRows * (ch + 1) / chunks);
            if (r1 > r0) {
                int n = r1 - r0;
                DoublePointer[] buf = buffers.get();
                DoublePointer pa = buffer(buf, 0, (long) n * inner);
                DoublePointer pc = buffer(buf, 1, (long) n * cols);
                copy(a, aOff, lda, live, r0, pa, inner, n, true);
                copy(c, cOff, ldc, live, r0, pc, cols, n, true);
                openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasNoTrans, n, cols, inner, s, pa, inner, pb, ldb, 1.0, pc, cols);
                copy(c, cOff, ldc, live, r0, pc, cols, n, false);
            }
        });
    }

    /** @return whether {@code m[off .. off+len)} is all zeros */
    private static boolean isZero(double[] m, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (m[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the rows {@code rows[from .. from+count)} of length {@code width} of {@code m} (row {@code r} at
     * {@code off + r ld}) to or from the packed native block {@code p}: into {@code p} if {@code in}, else out of it.
     * Consecutive rows of a matrix without gaps are copied in one call.
     */
    private static void copy(double[] m, int off, int ld, int[] rows, int from, DoublePointer p, int width,
            int count, boolean in) {
        int r = 0;
        while (r < count) {
            int run = 1;
            if (ld == width) {
                while (r + run < count && rows[from + r + run] == rows[from + r] + run) {
                    run++;
                }
            }
            int len = run * width;
            int at = off + rows[from + r] * ld;
            p.position((long) r * width);
            if (in) {
                p.put(m, at, len);
            } else {
                p.get(m, at, len);
            }
            r += run;
        }
        p.position(0);
    }

    /** @return the thread's buffer {@code k}, reallocated if shorter than {@code length} */
    private static DoublePointer buffer(DoublePointer[] buf, int k, long length) {
        if (buf[k] == null || buf[k].capacity() < length) {
            if (buf[k] != null) {
                buf[k].close();
            }
            buf[k] = new DoublePointer(Math.max(length, 1));
        }
        return buf[k];
    }
}
