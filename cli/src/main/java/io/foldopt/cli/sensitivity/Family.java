package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.status.Status;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A problem family of {@code foldopt sensitivity}: reads its parameters from a problem file and
 * builds the solution {@code x*(params)} as a differentiable graph node.
 */
interface Family {
    /**
     * A problem read from a file.
     *
     * @param parameters the parameters whose gradients are reported, as graph leaves in the file's
     *     shapes, by their file keys, in output order
     * @param solution the solution {@code x*}, shape {@code (n)}
     * @param status the status of the solution, computed by the family from checks on it (finiteness,
     *     feasibility, stationarity and, for nonconvex families, second-order conditions)
     * @param backwardReport how the last backward pass went (method, iterations, residual, ...);
     *     called after each VJP
     */
    record Instance(Map<String, Var> parameters, Var solution, Status status,
            Supplier<Map<String, Object>> backwardReport) {}

    /** @return the instance described by the file */
    Instance read(ProblemFile file);
}
