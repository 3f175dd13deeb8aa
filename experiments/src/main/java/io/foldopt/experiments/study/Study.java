package io.foldopt.experiments.study;

import java.io.IOException;

/**
 * A measurement of how folded differentiation behaves (backward solvers, spectral radius, starting points, memory,
 * nonconvex problems): it runs, writes CSV files and PNG charts into {@link StudyConfig#out()}, and returns its table.
 */
public interface Study {
    /** @return the command-line name, e.g. {@code solvers} */
    String name();

    /** @return one line saying what the study measures */
    String description();

    /**
     * Runs the study and writes its files.
     *
     * @param config size, seed, report folder and task selection
     * @return the table (also written as CSV), the findings and the files written
     * @throws IOException if the report folder cannot be written
     */
    StudyResult run(StudyConfig config) throws IOException;
}
