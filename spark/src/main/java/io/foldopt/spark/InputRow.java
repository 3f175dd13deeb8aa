package io.foldopt.spark;

import io.foldopt.tensor.Tensor;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One row of an instance table ({@link InstanceSchema}), with typed accessors whose errors name the row's id, the
 * column and what is wrong with it: a missing value, a list with a missing or non-finite entry, or rows of a matrix
 * of different lengths.
 */
final class InputRow {
    private final long id;
    private final Row row;

    /**
     * @param id the row's id
     * @param row the row, with the columns of {@link InstanceSchema#INPUT}
     */
    InputRow(long id, Row row) {
        this.id = id;
        this.row = row;
    }

    /** @return the row's id */
    long id() {
        return id;
    }

    /** @return whether the column holds a value */
    boolean has(String column) {
        return !row.isNullAt(row.fieldIndex(column));
    }

    /** @return the string in the column */
    String string(String column) {
        return row.getString(required(column));
    }

    /** @return the integer in the column */
    int integer(String column) {
        return row.getInt(required(column));
    }

    /** @return the finite number in the column */
    double number(String column) {
        double v = row.getDouble(required(column));
        if (!Double.isFinite(v)) {
            throw error(column, "must be a finite number, got " + v);
        }
        return v;
    }

    /** @return the vector in the column, shape {@code (n)} */
    Tensor vector(String column) {
        List<Object> list = row.getList(required(column));
        if (list.isEmpty()) {
            throw error(column, "must be a non-empty list of numbers");
        }
        return Tensor.wrap(numbers(column, list, -1), list.size());
    }

    /** @return the matrix in the column, given as a list of rows, shape {@code (rows, cols)} */
    Tensor matrix(String column) {
        List<Object> rows = row.getList(required(column));
        if (rows.isEmpty() || rows.get(0) == null) {
            throw error(column, "must be a matrix: a non-empty list of non-empty rows");
        }
        int cols = asList(rows.get(0)).size();
        if (cols == 0) {
            throw error(column, "must be a matrix: a non-empty list of non-empty rows");
        }
        double[] d = new double[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == null) {
                throw error(column, "row " + i + " is null");
            }
            List<Object> r = asList(rows.get(i));
            if (r.size() != cols) {
                throw error(column, "row " + i + " has " + r.size() + " entries, row 0 has " + cols
                        + "; every row must have " + cols);
            }
            System.arraycopy(numbers(column, r, i), 0, d, i * cols, cols);
        }
        return Tensor.wrap(d, rows.size(), cols);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return o instanceof List<?> l ? (List<Object>) l
                : CollectionConverters.asJava((scala.collection.Seq<Object>) o);
    }

    private double[] numbers(String column, List<Object> list, int rowIndex) {
        double[] d = new double[list.size()];
        for (int j = 0; j < d.length; j++) {
            Object e = list.get(j);
            String at = rowIndex >= 0 ? "[" + rowIndex + "][" + j + "]" : "[" + j + "]";
            if (!(e instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                throw error(column, "entry " + at + " must be a finite number, got " + e);
            }
            d[j] = number.doubleValue();
        }
        return d;
    }

    private int required(String column) {
        int i = row.fieldIndex(column);
        if (row.isNullAt(i)) {
            throw error(column, "is missing");
        }
        return i;
    }

    /** @return an error naming the row and the column */
    IllegalArgumentException error(String column, String problem) {
        return new IllegalArgumentException("row " + id + ": column \"" + column + "\" " + problem);
    }

    /** @return an error naming the row */
    IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException("row " + id + ": " + problem);
    }
}
