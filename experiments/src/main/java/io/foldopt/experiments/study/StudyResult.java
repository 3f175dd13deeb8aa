package io.foldopt.experiments.study;

import java.nio.file.Path;
import java.util.List;

/**
 * What a study found.
 *
 * @param study the study's name
 * @param tables the tables (also written as CSV files), the main one first
 * @param findings one sentence per finding computed from the measurements (for example a task whose LFPI
 *     backward diverges), in the order found
 * @param files the files written into the report folder
 */
public record StudyResult(String study, List<StudyTable> tables, List<String> findings, List<Path> files) {
    /** Copies the lists. */
    public StudyResult {
        tables = List.copyOf(tables);
        findings = List.copyOf(findings);
        files = List.copyOf(files);
    }
}
