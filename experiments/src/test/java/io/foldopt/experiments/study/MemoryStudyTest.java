package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryStudyTest {
    @Test
    void unrollingRetainsGraphMemoryThatGrowsWithKAndFoldingDoesNot(@TempDir Path dir) throws Exception {
        StudyResult r = StudyFiles.run(new MemoryStudy(new int[] {10, 30}, new int[] {4}), dir,
                MemoryStudy.DENOISING);
        List<Map<String, String>> rows = StudyFiles.csv(dir.resolve("memory.csv"));
        // one layer, two sizes, one batch; folded with GMRES and DIRECT, unrolled K = 10, 100, 1000
        assertEquals(2 * (2 + MemoryStudy.STEPS.length), rows.size());
        for (int i = 0; i < rows.size(); i += 5) {
            Map<String, String> gmres = rows.get(i);
            Map<String, String> unrolled = rows.get(i + 4);
            assertEquals("folded (GMRES(30))", gmres.get("method"));
            assertEquals("unrolled K = 1000", unrolled.get("method"));
            assertTrue(StudyFiles.number(gmres, "gradient_error") <= 1e-8, gmres.toString());
            double folded = StudyFiles.number(gmres, "retained_mb");
            double k1000 = StudyFiles.number(unrolled, "retained_mb");
            assertTrue(k1000 > 0.5 && k1000 > 5 * folded, "unrolled " + k1000 + " MB vs folded " + folded + " MB");
            assertTrue(StudyFiles.number(unrolled, "backward_alloc_mb") > StudyFiles.number(gmres,
                    "backward_alloc_mb"), unrolled.toString());
        }
        assertTrue(r.findings().stream().anyMatch(f -> f.contains("bytes per step, instance and unknown")),
                r.findings().toString());
    }
}
