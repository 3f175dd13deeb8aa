package io.foldopt.cli.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.cli.sensitivity.Sensitivity.Result;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each family's status is computed from checks on its answer: hard top-k and box-constrained instances get a
 * correct answer labelled optimal, or a flag; never a wrong answer labelled optimal.
 */
class FamilyStatusTest {
    @TempDir
    Path dir;

    private Result run(String problem, String cotangent) throws IOException {
        Path p = Files.writeString(dir.resolve("problem.json"), problem);
        Path g = Files.writeString(dir.resolve("g.json"), cotangent);
        return Sensitivity.run(p, g);
    }

    private static void assertFinite(Tensor t) {
        assertTrue(t.isFinite(), t.toString());
    }

    @Test
    void topkAtExtremeEpsAndWithTies() throws IOException {
        String c = "\"c\": [1, 0.5, -0.3, 2, 0.1], \"k\": 2";
        Result huge = run("{\"family\": \"topk\", " + c + ", \"eps\": 1e307}", "{\"x\": [1, 0, 0, 0, 0]}");
        assertEquals(Status.OPTIMAL, huge.status());
        assertArrayEquals(new double[] {0.4, 0.4, 0.4, 0.4, 0.4}, huge.x().data(), 1e-12);
        assertFinite(huge.derivatives().get("c"));
        Result tiny = run("{\"family\": \"topk\", " + c + ", \"eps\": 1e-300}", "{\"x\": [1, 0, 0, 0, 0]}");
        assertEquals(Status.OPTIMAL, tiny.status());
        assertArrayEquals(new double[] {1, 0, 0, 1, 0}, tiny.x().data(), 1e-15);
        assertFinite(tiny.derivatives().get("c"));
        for (String entropy : new String[] {"binary", "shannon"}) {
            Result ties = run("{\"family\": \"topk\", \"c\": [1, 1, 0], \"k\": 1, \"eps\": 1e-300, \"entropy\": \""
                    + entropy + "\"}", "{\"x\": [1, 0, 0]}");
            assertEquals(Status.OPTIMAL, ties.status(), entropy);
            assertArrayEquals(new double[] {0.5, 0.5, 0}, ties.x().data(), 1e-15, entropy);
        }
    }

    private Result box(String q, String c) throws IOException {
        return run("{\"family\": \"box-nonconvex-qp\", \"Q\": " + q + ", \"c\": " + c + ", \"lower\": -1,"
                + " \"upper\": 1}", "{\"x\": [1, -1]}");
    }

    @Test
    void boxProblemsWithIndefiniteAndIllConditionedQ() throws IOException {
        Result indefinite = box("[[-3, 0], [0, 1]]", "[0.5, -0.3]");
        assertEquals(Status.OPTIMAL, indefinite.status());
        assertEquals(1.0, Math.abs(indefinite.x().data()[0]), 0.0, "the concave coordinate sits on a bound");
        assertEquals(0.0, indefinite.derivatives().get("c").data()[0], 0.0, "an active bound does not move");
        // Free coordinate: x_2 solves x_2 - 0.3 cos x_2 = 0 and dx_2/dc_2 = -cos x_2 / (1 + 0.3 sin x_2); the
        // cotangent (1, -1) makes the gradient for c_2 equal to -dx_2/dc_2.
        double x2 = indefinite.x().data()[1];
        assertEquals(0.0, x2 - 0.3 * Math.cos(x2), 1e-12);
        assertEquals(Math.cos(x2) / (1 + 0.3 * Math.sin(x2)), indefinite.derivatives().get("c").data()[1], 1e-8);

        Result maximum = box("[[-1, 0], [0, -1]]", "[0, 0]");
        assertEquals(Status.OPTIMAL, maximum.status(), "x = 0 is the maximum; the solver leaves it for a vertex");
        assertEquals(1.0, Math.abs(maximum.x().data()[0]), 0.0);
        assertEquals(1.0, Math.abs(maximum.x().data()[1]), 0.0);

        for (String q : new String[] {"[[2, -2], [-2, 2]]", "[[1e6, 0], [0, 1]]"}) {
            Result convex = box(q, "[1, -0.5]");
            assertEquals(Status.OPTIMAL, convex.status(), q);
            assertFinite(convex.derivatives().get("c"));
        }
    }

    @Test
    void aDegenerateStationaryPointIsFlagged() throws IOException {
        // f = 0 everywhere: x = 0 is stationary with a zero Hessian, which cannot certify a minimum.
        assertEquals(Status.NOT_A_MINIMUM, box("[[0, 0], [0, 0]]", "[0, 0]").status());
    }

    @Test
    void qpStatusesAreChecked() throws IOException {
        Result optimal = run("{\"family\": \"qp\", \"P\": [[2, 0.5], [0.5, 1]], \"q\": [1, -1], \"A\": [[1, 1]],"
                + " \"b\": [1], \"G\": [[-1, 0], [0, -1]], \"h\": [0, 0]}", "{\"x\": [1, 1]}");
        assertEquals(Status.OPTIMAL, optimal.status());
        Result infeasible = run("{\"family\": \"qp\", \"P\": [[2, 0], [0, 1]], \"q\": [1, -1], \"G\": [[1, 0],"
                + " [-1, 0]], \"h\": [-1, -1]}", "{\"x\": [1, 1]}");
        assertEquals(Status.INFEASIBLE, infeasible.status());
        Result boxed = run("{\"family\": \"qp\", \"P\": [[1, 0], [0, 1]], \"q\": [1e8, -1e8], \"G\": [[1, 0], [-1, 0],"
                + " [0, 1], [0, -1]], \"h\": [1, 1, 1, 1]}", "{\"x\": [1, 1]}");
        assertNotEquals(Status.UNBOUNDED, boxed.status(), "a QP on a box is never unbounded");
        if (boxed.status() == Status.OPTIMAL) {
            assertArrayEquals(new double[] {-1, 1}, boxed.x().data(), 1e-9);
        }
    }
}
