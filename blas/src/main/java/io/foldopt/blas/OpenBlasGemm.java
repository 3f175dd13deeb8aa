package io.foldopt.blas;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.GemmBackend;
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
 * oversubscribe the cores. Operands are copied into native memory for each call.
 */
public final class OpenBlasGemm implements GemmBackend {
    /** Loads the native library and sets OpenBLAS to one thread; throws a {@link LinkageError} if it cannot load. */
    public OpenBlasGemm() {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c,
            int cOff, int ldc, int rows, int inner, int cols) {
        if (rows == 0 || cols == 0 || inner == 0) {
            return;
        }
        int aLen = (rows - 1) * lda + inner;
        int bLen = (inner - 1) * ldb + cols;
        int cLen = (rows - 1) * ldc + cols;
        long work = (long) rows * inner * cols;
        int chunks = work < Parallel.MIN_PARALLEL_WORK ? 1 : Math.min(rows, Parallel.threads());
        try (DoublePointer pa = new DoublePointer(aLen); DoublePointer pb = new DoublePointer(bLen);
                DoublePointer pc = new DoublePointer(cLen)) {
            pa.put(a, aOff, aLen);
            pb.put(b, bOff, bLen);
            pc.put(c, cOff, cLen);
            Parallel.forEach(chunks, work / chunks, ch -> {
                int r0 = (int) ((long) rows * ch / chunks);
                int r1 = (int) ((long) rows * (ch + 1) / chunks);
                if (r1 > r0) {
                    openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                            openblas_nolapack.CblasNoTrans, r1 - r0, cols, inner, s, pa.getPointer((long) r0 * lda),
                            lda, pb, ldb, 1.0, pc.getPointer((long) r0 * ldc), ldc);
                }
            });
            pc.get(c, cOff, cLen);
        }
    }
}
