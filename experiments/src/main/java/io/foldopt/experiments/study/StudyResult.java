package io.foldopt.experiments.study;

import java.nio.file.Path;
import java.util.List;

/**
 * What a study found.
 *
 * @param study the study's name
 * @param table the main table (one row per task and method, or per the study's unit), also in the CSV files
 * @param findings one sentence per finding computed from the measurements (for example a task whose LFPI
 *     backward diverges), in the order found
 * @param files the files written into the report folder
 */
public record StudyResult(String study, StudyTable table, List<String> findings, List<Path> files) {
    /** Copies the lists. */
    public StudyResult {
        findings = List.copyOf(findings);
        files = List.copyOf(files);
    }
}
