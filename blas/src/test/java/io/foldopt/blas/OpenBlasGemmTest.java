package io.foldopt.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.Vec;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.GemmBackend;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The OpenBLAS backend against the pure-Java kernels on the same products, factorizations and a folded backward. */
class OpenBlasGemmTest {
    private static final GemmBackend NATIVE = new OpenBlasGemm();
    private final SplittableRandom rng = new SplittableRandom(29);

    private double[] gaussian(int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = rng.nextGaussian();
        }
        return d;
    }

    /** Asserts {@code ||got - expected||_inf <= 1e-12 ||expected||_inf} (and equal lengths). */
    private static void assertRelative(double[] expected, double[] got) {
        assertEquals(expected.length, got.length);
        double scale = Math.max(Vec.normInf(expected), Double.MIN_NORMAL);
        double err = 0;
        for (int i = 0; i < got.length; i++) {
            err = Math.max(err, Math.abs(got[i] - expected[i]));
        }
        assertTrue(err <= 1e-12 * scale, "relative error " + err / scale);
    }

    private static double[] both(Supplier<double[]> body, double[][] javaOut) {
        javaOut[0] = Kernels.withBackend(GemmBackend.JAVA, body);
        return Kernels.withBackend(NATIVE, body);
    }

    private void assertSame(Supplier<double[]> body) {
        double[][] java = new double[1][];
        double[] nat = both(body, java);
        assertRelative(java[0], nat);
    }

    @Test
    void theServiceLoaderChoosesOpenBlasWhenThisModuleIsOnTheClassPath() {
        assertEquals("openblas", Kernels.backendName());
    }

    @Test
    void stridedProductsMatchTheJavaKernelForOddAndDegenerateShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 7, 1}, {3, 0, 4}, {5, 3, 1}, {17, 13, 11}, {64, 65, 33}, {1, 300, 257}};
        for (int[] sh : shapes) {
            int rows = sh[0];
            int inner = sh[1];
            int cols = sh[2];
            int lda = inner + 2;
            int ldb = cols + 3;
            int ldc = cols + 1;
            double[] a = gaussian(rows * lda + 1);
            double[] b = gaussian(Math.max(1, inner) * ldb + 2);
            double[] c0 = gaussian(rows * ldc + 5);
            double[] cJava = c0.clone();
            double[] cNative = c0.clone();
            GemmBackend.JAVA.multiplyAdd(-0.5, a, 1, lda, b, 2, ldb, cJava, 5, ldc, rows, inner, cols);
            NATIVE.multiplyAdd(-0.5, a, 1, lda, b, 2, ldb, cNative, 5, ldc, rows, inner, cols);
            assertRelative(cJava, cNative);
        }
    }

    @Test
    void productsWithZeroRowsLeaveThoseRowsOfCUnchanged() {
        int rows = 64;
        int inner = 120;
        int cols = 90;
        Tensor b = Tensor.randn(rng, inner, cols);
        for (int pattern = 0; pattern < 4; pattern++) {
            double[] a = gaussian(rows * inner);
            for (int r = 0; r < rows; r++) {
                boolean zero = switch (pattern) {
                    case 0 -> r % 3 == 1;
                    case 1 -> r >= 10;
                    case 2 -> true;
                    default -> r < 63;
                };
                if (zero) {
                    java.util.Arrays.fill(a, r * inner, (r + 1) * inner, 0.0);
                }
            }
            double[] c0 = gaussian(rows * cols);
            double[] cJava = c0.clone();
            double[] cNative = c0.clone();
            GemmBackend.JAVA.multiplyAdd(1.5, a, 0, inner, b, cJava, 0, cols, rows);
            NATIVE.multiplyAdd(1.5, a, 0, inner, b, cNative, 0, cols, rows);
            assertRelative(cJava, cNative);
            for (int r = 0; r < rows; r++) {
                if (Vec.isZero(a, r * inner, inner)) {
                    for (int j = 0; j < cols; j++) {
                        assertEquals(c0[r * cols + j], cNative[r * cols + j], 0.0, "row " + r);
                    }
                }
            }
        }
    }

    @Test
    void batchedProductsMatchTheJavaKernel() {
        for (int[] sh : new int[][] {{1, 40, 50, 30}, {8, 16, 40, 24}, {32, 1, 200, 200}, {3, 21, 19, 23}}) {
            int batch = sh[0];
            int rows = sh[1];
            int inner = sh[2];
            int cols = sh[3];
            double[] a = gaussian(batch * rows * inner);
            double[] b = gaussian(batch * inner * cols);
            assertSame(() -> Kernels.gemm(a, rows * inner, b, 0, batch, rows, inner, cols));
            assertSame(() -> Kernels.gemm(a, rows * inner, b, inner * cols, batch, rows, inner, cols));
            assertSame(() -> Kernels.gemm(a, 0, b, inner * cols, batch, rows, inner, cols));
        }
    }

    @Test
    void matmulWithTransposedOperandsAndItsVjpsMatchTheJavaKernel() {
        Tensor a = Tensor.randn(rng, 6, 37, 45);
        Tensor m = Tensor.randn(rng, 29, 45);
        Tensor g = Tensor.randn(rng, 6, 37, 29);
        Supplier<double[]> body = () -> {
            Var va = Var.param(a);
            Var vm = Var.param(m);
            Var out = LinearAlgebra.matmul(va, LinearAlgebra.transpose(vm));
            Tensor[] grads = Autodiff.vjp(new Var[] {out}, new Var[] {va, vm}, new Tensor[] {g});
            double[] all = new double[out.value().size() + grads[0].size() + grads[1].size()];
            System.arraycopy(out.value().data(), 0, all, 0, out.value().size());
            System.arraycopy(grads[0].data(), 0, all, out.value().size(), grads[0].size());
            System.arraycopy(grads[1].data(), 0, all, out.value().size() + grads[0].size(), grads[1].size());
            return all;
        };
        assertSame(body);
    }

    @Test
    void blockedLuSolvesMatchTheJavaKernel() {
        int n = 150;
        double[] m = gaussian(n * n);
        double[] r = gaussian(n);
        assertSame(() -> DenseLU.factor(m, n).solve(r.clone()));
    }

    @Test
    void foldedGmresGradientsMatchTheJavaKernel() {
        BoxNonconvexQp problem = BoxNonconvexQp.random(80, 5);
        Tensor c = problem.randomParameters(16, 6);
        Tensor g = Tensor.randn(new SplittableRandom(7), 16, 80);
        Tensor x = problem.solver(1e-13, 200_000).solve(new Tensor[] {c});
        FoldedLayer layer = new FoldedLayer(params -> x, problem.updateMap(), FoldOptions.defaults()
                .withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-13).withMaxIterations(5_000)
                .withOnFailure(FailurePolicy.THROW));
        assertSame(() -> {
            Var vc = Var.param(c);
            return Autodiff.vjp(new Var[] {layer.apply(vc)}, new Var[] {vc}, new Tensor[] {g})[0].data();
        });
    }

    @Test
    void theDescriptionNamesTheVersionAndTheKernelSettingsOfTheEnvironment() {
        String d = NATIVE.description();
        assertTrue(d.matches("openblas \\d+\\.\\d+\\.\\d+.*"), d);
        for (String variable : new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
            String value = System.getenv(variable);
            assertEquals(value != null, d.contains(variable + "=" + value), d);
        }
    }
}
