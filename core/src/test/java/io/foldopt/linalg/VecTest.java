package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foldopt.parallel.Parallel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VecTest {
    /** Sums of {@code (x, y)} and {@code ||x||^2} per selected row, and {@code y += 2 x} on them, by one pass. */
    private static double[] pass(double[] x, double[] y, int batch, int n, boolean[] rows) {
        double[] out = new double[2 * batch];
        java.util.Arrays.fill(out, -1);
        Vec.rowBlocks(batch, n, rows, 2, 4, out, (b, lo, hi, sums, at) -> {
            double xy = 0;
            double xx = 0;
            for (int i = lo; i < hi; i++) {
                xy += x[i] * y[i];
                xx += x[i] * x[i];
                y[i] += 2 * x[i];
            }
            sums[at] = xy;
            sums[at + 1] = xx;
        });
        return out;
    }

    @Test
    void rowBlocksMatchesTheSeparateKernelsAndSkipsUnselectedRows() {
        int batch = 3;
        int n = 2 * Vec.BLOCK + 77;
        Random random = new Random(9);
        double[] x = new double[batch * n];
        double[] y = new double[batch * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
            y[i] = random.nextGaussian();
        }
        double[] y0 = y.clone();
        boolean[] rows = {true, false, true};
        double[] out = pass(x, y, batch, n, rows);
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            if (!rows[b]) {
                assertEquals(-1, out[2 * b]);
                assertArrayEquals(java.util.Arrays.copyOfRange(y0, o, o + n), java.util.Arrays.copyOfRange(y, o, o + n));
                continue;
            }
            double xy = Vec.dot(x, o, y0, o, n);
            double xx = Vec.dot(x, o, x, o, n);
            assertEquals(xy, out[2 * b], 1e-12 * Math.abs(xx));
            assertEquals(xx, out[2 * b + 1], 1e-12 * xx);
            double[] expected = java.util.Arrays.copyOfRange(y0, o, o + n);
            Vec.axpy(2, x, o, expected, 0, n);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(y, o, o + n));
        }
    }

    @Test
    void rowBlocksSumsDoNotDependOnTheThreadCount() {
        int batch = 2;
        int n = 5 * Vec.BLOCK + 3;
        Random random = new Random(4);
        double[] x = new double[batch * n];
        double[] y = new double[batch * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() * Math.exp(10 * random.nextDouble());
            y[i] = random.nextGaussian();
        }
        boolean[] rows = {true, true};
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] yOne = y.clone();
            double[] one = pass(x, yOne, batch, n, rows);
            Parallel.setThreads(4);
            double[] yFour = y.clone();
            double[] four = pass(x, yFour, batch, n, rows);
            assertArrayEquals(one, four);
            assertArrayEquals(yOne, yFour);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void blockedDotsAndCombinationsMatchNaiveLoops() {
        Random random = new Random(3);
        int n = 37;
        int o = 5;
        for (int count = 0; count <= 19; count++) {
            double[][] v = new double[count][o + n + 3];
            for (double[] row : v) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = random.nextGaussian();
                }
            }
            double[] w = new double[o + n + 3];
            for (int k = 0; k < w.length; k++) {
                w[k] = random.nextGaussian();
            }
            double[] out = new double[count + 2];
            Vec.dots(v, count, w, o, n, out, 2);
            double[] c = new double[count + 1];
            double[] expected = w.clone();
            for (int i = 0; i < count; i++) {
                double dot = 0;
                for (int k = o; k < o + n; k++) {
                    dot += v[i][k] * w[k];
                }
                assertEquals(dot, out[2 + i], 1e-12 * (1 + Math.abs(dot)), "count " + count + ", dot " + i);
                c[1 + i] = random.nextGaussian();
                for (int k = o; k < o + n; k++) {
                    expected[k] -= c[1 + i] * v[i][k];
                }
            }
            Vec.subtractCombination(v, count, c, 1, w, o, n);
            assertArrayEquals(expected, w, 1e-12, "count " + count);
        }
    }
}
