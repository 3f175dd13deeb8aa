package io.foldopt.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of the instance tables that {@code foldopt spark solve} reads and writes (JSON lines or Parquet, one
 * problem per row). A row's {@code family} names its problem, as in a problem file of {@code foldopt sensitivity}:
 * {@code qp} ({@code P, q} and optionally {@code A, b}, {@code G, h}), {@code topk} ({@code c, k, eps} and
 * optionally {@code entropy}) or {@code box-nonconvex-qp} ({@code Q, c, lower, upper}); the columns of the other
 * families are null. The optional {@code g} is the cotangent of the solution {@code x}; {@code id} is carried over
 * to the output.
 */
public final class InstanceSchema {
    /** The column of a JSON line that could not be parsed with {@link #INPUT}. */
    public static final String CORRUPT = "_corrupt_record";

    private static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType, true);
    private static final DataType MATRIX = DataTypes.createArrayType(new ArrayType(DataTypes.DoubleType, true), true);

    /** The input columns. */
    public static final StructType INPUT = new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("family", DataTypes.StringType),
        field("P", MATRIX), field("q", VECTOR), field("A", MATRIX), field("b", VECTOR), field("G", MATRIX),
        field("h", VECTOR), field("c", VECTOR), field("k", DataTypes.IntegerType), field("eps", DataTypes.DoubleType),
        field("entropy", DataTypes.StringType), field("Q", MATRIX), field("lower", DataTypes.DoubleType),
        field("upper", DataTypes.DoubleType), field("g", VECTOR), field(CORRUPT, DataTypes.StringType)});

    /**
     * The output columns: {@code id}, {@code family}, {@code status} (a {@link io.foldopt.status.Status} label:
     * {@code invalid-input} for a row that is not a valid problem), {@code error} (why a row has no solution),
     * {@code x} (the solution), {@code grad} (for a row with a cotangent: {@code (d x / d p)^T g} by parameter,
     * flattened row-major), {@code gradient_status} (the status of the derivative) and {@code backward} (how the
     * backward pass went: method, iterations, residuals, ...) and, when asked for, {@code jacobian} ({@code d x / d p} by
     * parameter, shape {@code (n, shape of p)} flattened row-major: row {@code i} is the gradient of {@code x_i}).
     */
    public static final StructType OUTPUT = new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("family", DataTypes.StringType), field("status", DataTypes.StringType),
        field("error", DataTypes.StringType), field("x", VECTOR),
        field("grad", DataTypes.createMapType(DataTypes.StringType, VECTOR, true)),
        field("gradient_status", DataTypes.StringType),
        field("backward", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true)),
        field("jacobian", DataTypes.createMapType(DataTypes.StringType, VECTOR, true))});

    private InstanceSchema() {}

    private static StructField field(String name, DataType type) {
        return new StructField(name, type, true, Metadata.empty());
    }
}
