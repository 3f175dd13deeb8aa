package io.foldopt.spark;

import io.foldopt.status.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The result of one row: its solution and status, or the status and the reason of a row without a solution
 * ({@link Status#INVALID_INPUT} for a row that is not a valid problem; the solver's status for a forward solve that
 * failed).
 *
 * @param id the row's id
 * @param family the problem family, null if unknown
 * @param status the solution's status, or why there is no solution
 * @param error why there is no solution, null for a solved row
 * @param x the solution, null for a row without one
 * @param grad {@code (d x / d p)^T g} by parameter (flattened row-major), null without a cotangent
 * @param gradientStatus the status of the derivative, null without a cotangent
 * @param backward how the backward pass went, null without a cotangent
 * @param jacobian {@code d x / d p} by parameter (shape {@code (n, shape of p)}, flattened row-major), null unless
 *     asked for
 */
public record SolvedInstance(long id, String family, Status status, String error, double[] x,
        Map<String, double[]> grad, Status gradientStatus, Map<String, String> backward,
        Map<String, double[]> jacobian) {

    /** @return the result of a row without a solution: its status and the reason */
    static SolvedInstance failed(long id, String family, Status status, String error) {
        return new SolvedInstance(id, family, status, error, null, null, null, null, null);
    }

    /** @return the result of a row that is not a valid problem ({@link Status#INVALID_INPUT}) */
    static SolvedInstance invalid(long id, String family, String error) {
        return failed(id, family, Status.INVALID_INPUT, error);
    }

    /** @return the map as Spark's external type of a map column, null for null */
    private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> map) {
        return map == null ? null : CollectionConverters.asScala(new LinkedHashMap<>(map));
    }

    /** @return the row of {@link InstanceSchema#OUTPUT} */
    Row toRow() {
        return RowFactory.create(id, family, status.label(), error, x, scalaMap(grad),
                gradientStatus == null ? null : gradientStatus.label(), scalaMap(backward), scalaMap(jacobian));
    }
}
