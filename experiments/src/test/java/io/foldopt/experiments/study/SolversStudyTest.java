package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.SolverOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolversStudyTest {
    private static final String TASK = "bilinear/folded-pgd-a";
    /** The experiment's second folded method (projection through the QP instead of the closed form). */
    private static final String SECOND = "bilinear/folded-pgd-b";

    @Test
    void everyMethodAtEveryToleranceAgreesWithDirectAsItsToleranceSays(@TempDir Path dir) throws Exception {
        // a backward method that fails in the course of training: reported, the study goes on
        SolversStudy.Backward broken = new SolversStudy.Backward("BROKEN", new BatchedLinearSolver() {
            @Override
            public BatchSolution solve(BatchedOperator a, double[] rhs, double[] guess, SolverOptions options) {
                throw new ArithmeticException("broken backward on instance 0");
            }

            @Override
            public String name() {
                return "BROKEN";
            }
        });
        StudyResult r = StudyFiles.run(new SolversStudy(List.of(SolversStudy.ITERATIVE.get(0), broken), 1), dir,
                TASK, SECOND);
        List<Map<String, String>> rows = StudyFiles.csv(dir.resolve("solvers.csv"));
        assertEquals(r.tables().get(0).rows().size(), rows.size());
        // per task and state: DIRECT once, four iterative methods at five tolerances (Phi is not symmetric: no CG)
        assertEquals(2 * 2 * (1 + 4 * SolversStudy.TOLERANCES.length), rows.size());
        assertEquals(Set.of("DIRECT", "LFPI", "GMRES(5)", "GMRES(30)", "BICGSTAB"),
                rows.stream().map(m -> m.get("method")).collect(Collectors.toSet()));
        for (Map<String, String> row : rows) {
            assertTrue(Set.of(TASK, SECOND).contains(row.get("task")), row.toString());
            double error = StudyFiles.number(row, "gradient_error");
            String method = row.get("method");
            if (method.equals("DIRECT")) {
                assertEquals(0.0, error, "DIRECT against itself: " + row);
            } else if (method.startsWith("GMRES") && StudyFiles.number(row, "tolerance") == 1e-10) {
                assertTrue(error <= 1e-8, "GMRES at 1e-10 against DIRECT: " + row);
            }
            if (row.get("status").equals("optimal")) {
                assertTrue(StudyFiles.number(row, "worst_residual") <= Math.max(1e-12,
                        StudyFiles.number(row, "tolerance")) || method.equals("DIRECT"), row.toString());
            }
        }
        List<Map<String, String>> training = StudyFiles.csv(dir.resolve("solvers_training.csv"));
        // for every folded method: LFPI and the broken method at the loose and the tight tolerance, DIRECT once
        List<String> methods = List.of("LFPI", "LFPI", "BROKEN", "BROKEN", "DIRECT");
        assertEquals(2 * methods.size(), training.size());
        for (int i = 0; i < training.size(); i++) {
            assertEquals(i < methods.size() ? TASK : SECOND, training.get(i).get("task"));
            assertEquals(methods.get(i % methods.size()), training.get(i).get("method"));
        }
        for (int t = 0; t < 2; t++) {
            // LFPI at 1e-10 (rho(Phi) < 1 here) gives DIRECT's gradients to ~1e-9: the same training
            double tight = StudyFiles.number(training.get(t * methods.size() + 1), "final_metric");
            double direct = StudyFiles.number(training.get(t * methods.size() + 4), "final_metric");
            assertEquals(direct, tight, 1e-6 * Math.abs(direct), training.get(t * methods.size()).get("task"));
        }
        for (Map<String, String> row : training) {
            boolean stopped = row.get("method").equals("BROKEN");
            assertEquals(stopped, !Double.isFinite(StudyFiles.number(row, "final_metric")), row.toString());
            assertEquals(stopped, row.get("note").startsWith("stopped: broken backward"), row.toString());
        }
        assertTrue(r.findings().stream().anyMatch(f -> f.contains("training with BROKEN at tolerance 1e-02 stopped")),
                r.findings().toString());
        assertTrue(Files.exists(dir.resolve("solvers_bilinear_folded-pgd-a.png")));
        assertTrue(Files.exists(dir.resolve("training_bilinear_folded-pgd-a.png")));
        assertTrue(Files.exists(dir.resolve("training_bilinear_folded-pgd-b.png")));
        assertTrue(r.findings().stream().anyMatch(f -> f.startsWith(TASK + " (trained")), r.findings().toString());
    }

    @Test
    void onASymmetricPhiMinresMatchesDirectAndConjugateGradientsNeedADefiniteSystem(@TempDir Path dir)
            throws Exception {
        StudyFiles.run(new SolversStudy(List.of(), 1), dir, SolversStudy.QP);
        List<Map<String, String>> rows = StudyFiles.csv(dir.resolve("solvers.csv"));
        // per state (convex, indefinite): DIRECT once, six iterative methods (with CG and MINRES) at five tolerances
        assertEquals(2 * (1 + 6 * SolversStudy.TOLERANCES.length), rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("yes", row.get("symmetric"), row.toString());
            double error = StudyFiles.number(row, "gradient_error");
            double tolerance = StudyFiles.number(row, "tolerance");
            boolean indefinite = row.get("parameters").equals("indefinite");
            switch (row.get("method")) {
                case "DIRECT" -> assertEquals(0.0, error, row.toString());
                case "MINRES", "GMRES(30)" -> {
                    assertEquals("optimal", row.get("status"), row.toString());
                    if (tolerance == 1e-10) {
                        assertTrue(error <= 1e-8, row.toString());
                    }
                }
                case "CG" -> assertEquals(indefinite ? "numerical-failure" : "optimal", row.get("status"),
                        row.toString());
                case "LFPI" -> assertEquals(indefinite ? "diverged" : "optimal", row.get("status"), row.toString());
                default -> { }
            }
        }
        assertTrue(Files.exists(dir.resolve("solvers_qp_gd.png")));
    }
}
