package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.experiments.study.Studies;
import io.foldopt.experiments.study.Study;
import org.junit.jupiter.api.Test;

class StudyCommandTest {
    @Test
    void listNamesEveryStudyWithWhatItMeasures() {
        CliRun r = CliRun.of("study", "--list");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Studies.all().size(), r.outLines().size());
        for (Study s : Studies.all()) {
            assertTrue(r.out().contains(s.name() + "  " + s.description()), r.out());
        }
    }

    @Test
    void anUnknownOrMissingStudyIsAUsageErrorNamingTheStudies() {
        CliRun unknown = CliRun.of("study", "spectrum");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown study 'spectrum'") && unknown.err().contains("solvers"),
                unknown.err());
        CliRun missing = CliRun.of("study");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("missing the study's NAME"), missing.err());
        CliRun size = CliRun.of("study", "solvers", "--size", "huge");
        assertEquals(2, size.exitCode());
        assertTrue(size.err().contains("--size"), size.err());
    }
}
