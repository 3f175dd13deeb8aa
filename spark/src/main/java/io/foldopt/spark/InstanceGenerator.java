package io.foldopt.spark;

import io.foldopt.qp.RandomQp;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A synthetic instance table of strictly feasible QPs ({@link RandomQp#feasible}: {@code P = M M^T / n + 0.5 I},
 * standard normal {@code q}, {@code A}, {@code G}, {@code b = A z0}, {@code h = G z0 + U[0, 1]}) with a standard
 * normal cotangent {@code g}, generated on the executors: row {@code i} is a function of {@code (seed, i)} only,
 * so the table is the same for any number of partitions.
 */
public final class InstanceGenerator {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private InstanceGenerator() {}

    /**
     * @return the parameters {@code P (n, n), q (n), A (p, n), b (p), G (m, n), h (m)} (null blocks when
     *     {@code p} or {@code m} is 0) and the cotangent {@code g (n)} of row {@code id}
     */
    public static Tensor[] qp(long seed, long id, int n, int p, int m) {
        long rowSeed = new SplittableRandom(seed + (id + 1) * GOLDEN_GAMMA).nextLong();
        Tensor[] t = RandomQp.feasible(rowSeed, 1, n, p, m, 1.0);
        Tensor g = Tensor.randn(new SplittableRandom(rowSeed ^ GOLDEN_GAMMA), n);
        return new Tensor[] {t[0].reshape(n, n), t[1].reshape(n), p == 0 ? null : t[2].reshape(p, n),
            p == 0 ? null : t[3].reshape(p), m == 0 ? null : t[4].reshape(m, n), m == 0 ? null : t[5].reshape(m), g};
    }

    /**
     * @param count the number of rows, ids {@code 0 .. count - 1}
     * @param partitions the number of partitions
     * @return the table, with the columns of {@link InstanceSchema#INPUT}
     */
    public static Dataset<Row> qpTable(SparkSession spark, long count, int partitions, long seed, int n, int p,
            int m) {
        if (count < 1 || partitions < 1 || n < 1 || p < 0 || m < 0 || p >= n) {
            throw new IllegalArgumentException("need count, partitions, n >= 1, 0 <= p < n and m >= 0; got count "
                    + count + ", partitions " + partitions + ", n " + n + ", p " + p + ", m " + m);
        }
        var rows = spark.range(0, count, 1, partitions).javaRDD().map(id -> {
            Tensor[] t = qp(seed, id, n, p, m);
            return RowFactory.create(id, "qp", rows(t[0]), t[1].data(), rows(t[2]), data(t[3]), rows(t[4]),
                    data(t[5]), null, null, null, null, null, null, null, t[6].data(), null);
        });
        return spark.createDataFrame(rows, InstanceSchema.INPUT);
    }

    private static double[] data(Tensor t) {
        return t == null ? null : t.data();
    }

    /** @return the rows of a matrix, as an array of arrays (null for null) */
    private static double[][] rows(Tensor t) {
        if (t == null) {
            return null;
        }
        int cols = t.dim(1);
        double[][] out = new double[t.dim(0)][cols];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(t.data(), i * cols, out[i], 0, cols);
        }
        return out;
    }
}
