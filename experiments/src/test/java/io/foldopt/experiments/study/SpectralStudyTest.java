package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpectralStudyTest {
    @Test
    void estimatesMatchTheClosedFormAndTheEigenvaluesAndPredictLfpi(@TempDir Path dir) throws Exception {
        StudyResult r = StudyFiles.run(new SpectralStudy(), dir, "box-qp/pgd", "nonconvex-qp/folded-pgd");
        List<Map<String, String>> rows = StudyFiles.csv(dir.resolve("spectral.csv"));
        // two states of the task, then one row per step of the QP case
        assertEquals(2 + SpectralStudy.QP_STEPS.length, rows.size());
        int unstableSteps = 0;
        for (Map<String, String> row : rows) {
            double rho = StudyFiles.number(row, "rho_max");
            double power = StudyFiles.number(row, "rho_power_max");
            double eigen = StudyFiles.number(row, "rho_eigen_max");
            assertTrue(Math.abs(power - eigen) <= 1e-3, "power iteration vs eigenvalues: " + row);
            if (row.get("task").equals("box-qp/pgd")) {
                double closed = StudyFiles.number(row, "rho_closed_max");
                assertTrue(StudyFiles.number(row, "estimate_error") <= 1e-3, "closed form vs power: " + row);
                assertEquals(closed, eigen, 1e-8, "closed form vs eigenvalues: " + row);
            }
            int unstable = (int) StudyFiles.number(row, "unstable");
            if (unstable > 0) {
                unstableSteps++;
                assertTrue(rho >= 1 && StudyFiles.number(row, "lfpi_failed") > 0, "divergence reported: " + row);
            } else {
                assertEquals(0.0, StudyFiles.number(row, "lfpi_failed"), row.toString());
                double predicted = StudyFiles.number(row, "lfpi_predicted");
                double measured = StudyFiles.number(row, "lfpi_measured");
                assertTrue(Math.abs(measured - predicted) <= 0.3 * predicted + 3, "LFPI prediction: " + row);
            }
        }
        assertTrue(unstableSteps > 0, "the largest steps of the QP case make rho >= 1");
        assertTrue(r.findings().stream().anyMatch(f -> f.contains("rho >= 1")), r.findings().toString());
        List<Map<String, String>> relaxation = StudyFiles.csv(dir.resolve("spectral_relaxation.csv"));
        assertEquals(2 * SpectralStudy.RELAXATIONS.length, relaxation.size());
    }
}
