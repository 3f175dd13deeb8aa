package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonconvexStudyTest {
    @Test
    void foldedGradientsMatchFiniteDifferencesAtEveryLocalMinimumAndSaddlesAreReported(@TempDir Path dir)
            throws Exception {
        StudyResult r = StudyFiles.run(new NonconvexStudy(), dir);
        List<Map<String, String>> rows = StudyFiles.csv(dir.resolve("nonconvex.csv"));
        int minima = 0;
        int saddles = 0;
        for (Map<String, String> row : rows) {
            String type = row.get("type");
            double rho = StudyFiles.number(row, "rho");
            if (type.contains("minimum") && !type.contains("weakly")) {
                minima++;
                assertTrue(StudyFiles.number(row, "fd_error") <= 1e-5, "folded vs finite differences: " + row);
                assertTrue(rho < 1, row.toString());
                assertEquals("optimal", row.get("lfpi_status"), row.toString());
            }
            if (type.equals("saddle")) {
                saddles++;
                // rho >= 1 at a saddle: LFPI diverges and says so; DIRECT still gives the local map's derivative
                assertTrue(rho > 1, row.toString());
                assertEquals("diverged", row.get("lfpi_status"), row.toString());
                assertEquals("optimal", row.get("direct_status"), row.toString());
                assertTrue(StudyFiles.number(row, "fd_error") <= 1e-5, row.toString());
            }
        }
        for (Map<String, String> row : rows) {
            if (row.get("problem").equals("double-well")) {
                // unconstrained: Phi = I - alpha H is symmetric, I - Phi = alpha H indefinite at saddles and maxima
                assertEquals("optimal", row.get("minres_status"), row.toString());
                assertTrue(StudyFiles.number(row, "minres_error") <= 1e-8, row.toString());
            } else if (StudyFiles.number(row, "active") > 0 && StudyFiles.number(row, "active") < 6) {
                // free and active coordinates: Phi = D (I - alpha Q) is not symmetric, MINRES refuses it
                assertEquals("numerical-failure", row.get("minres_status"), row.toString());
            }
        }
        assertTrue(minima >= 3 && saddles >= 1, "minima " + minima + ", saddles " + saddles);
        assertTrue(rows.stream().anyMatch(row -> row.get("problem").equals("box-qp")));
        assertTrue(rows.stream().anyMatch(row -> row.get("problem").equals("double-well")));
        assertTrue(r.findings().stream().anyMatch(f -> f.startsWith("saddle:") && f.contains("LFPI diverged")),
                r.findings().toString());
    }
}
