package io.foldopt.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Problem files in JSON and MPS: the same problem read from each, and one-line errors naming the place. */
class ProblemFilesTest {
    static final double INF = Double.POSITIVE_INFINITY;

    /** A MIP with every kind of row and bound: the JSON and both MPS forms below describe it. */
    static final String JSON = """
            {"variables": ["x", "y", "z"], "sense": "maximize",
             "A_ub": [[1, 2, 0], [-1, 0, -1], [1, 1, 1], [-1, -1, -1]], "b_ub": [8, -1, 6, -2],
             "A_eq": [[0, 1, -1]], "b_eq": [0.5],
             "lower": [0, null, 1], "upper": [4, 3, null], "integer": [0]}
            """;

    static final String FREE_MPS = """
            * the problem of JSON, in free MPS
            NAME          sample
            OBJSENSE
                MAX
            ROWS
             N  profit
             L  cap
             G  low
             L  sum
             E  link
             N  unused
            COLUMNS
                MARKER    'MARKER'   'INTORG'
                x  profit  3.0  cap  1
                x  low  1  sum  1
                MARKER    'MARKER'   'INTEND'
                y  cap  2  sum  1
                y  link  1   unused  7
                z  low  1e0  sum  1
                z  link -1
            RHS
                RHS  cap  8  low  1
                RHS  sum  6  link .5
                RHS  profit  -10
            RANGES
                RNG  sum  4
            BOUNDS
             UP BND  x  4
             MI BND  y
             UP BND  y  3
             LO BND  z  1
            ENDATA
            """;

    /** The same problem in fixed MPS, with names that hold spaces. */
    static final String FIXED_MPS = String.join("\n", "NAME          SAMPLE FIXED", "OBJSENSE", "    MAX", "ROWS",
            fixed("N", "PROFIT"), fixed("L", "CAP ROW"), fixed("G", "LOW"), fixed("L", "SUM"), fixed("E", "LINK"),
            "COLUMNS",
            fixed("", "MARKER", "'MARKER'", "", "'INTORG'"),
            fixed("", "X VAR", "PROFIT", "3.", "CAP ROW", "1."),
            fixed("", "X VAR", "LOW", "1.", "SUM", "1."),
            fixed("", "MARKER", "'MARKER'", "", "'INTEND'"),
            fixed("", "Y", "CAP ROW", "2.", "SUM", "1."),
            fixed("", "Y", "LINK", "1."),
            fixed("", "Z", "LOW", "1.", "SUM", "1."),
            fixed("", "Z", "LINK", "-1."),
            "RHS",
            fixed("", "", "CAP ROW", "8.", "LOW", "1."),
            fixed("", "", "SUM", "6.", "LINK", ".5"),
            "RANGES",
            fixed("", "RNG", "SUM", "4."),
            "BOUNDS",
            fixed("UP", "BND", "X VAR", "4."),
            fixed("MI", "BND", "Y"),
            fixed("UP", "BND", "Y", "3."),
            fixed("LO", "BND", "Z", "1."),
            "ENDATA", "");

    /** @return a fixed-format data line: the fields at columns 2, 5, 15, 25, 40 and 50 */
    static String fixed(String... fields) {
        int[] at = {2, 5, 15, 25, 40, 50};
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < fields.length; k++) {
            while (line.length() < at[k] - 1) {
                line.append(' ');
            }
            line.append(fields[k]);
        }
        return line.toString();
    }

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void assertSameProblem(DecisionProblem a, DecisionProblem b) {
        assertEquals(a.maximize(), b.maximize());
        assertEquals(a.variableCount(), b.variableCount());
        assertEquals(a.constraintCount(), b.constraintCount());
        assertArrayEquals(a.matrix().toDense().data(), b.matrix().toDense().data());
        assertArrayEquals(a.rowLower(), b.rowLower());
        assertArrayEquals(a.rowUpper(), b.rowUpper());
        assertArrayEquals(a.lower(), b.lower());
        assertArrayEquals(a.upper(), b.upper());
        assertArrayEquals(a.integer(), b.integer());
        assertNull(b.quadratic());
    }

    /** The JSON problem with its two-sided row {@code 2 <= x + y + z <= 6} written as two rows. */
    private static void assertMpsMatchesJson(DecisionProblem mps) {
        assertTrue(mps.maximize());
        assertEquals(4, mps.constraintCount());
        // MPS rows: cap, low, sum (ranged: 2 <= . <= 6), link
        assertArrayEquals(new double[] {1, 2, 0, 1, 0, 1, 1, 1, 1, 0, 1, -1}, mps.matrix().toDense().data());
        assertArrayEquals(new double[] {-INF, 1, 2, 0.5}, mps.rowLower());
        assertArrayEquals(new double[] {8, INF, 6, 0.5}, mps.rowUpper());
        assertArrayEquals(new double[] {0, -INF, 1}, mps.lower());
        assertArrayEquals(new double[] {4, 3, INF}, mps.upper());
        assertArrayEquals(new boolean[] {true, false, false}, mps.integer());
    }

    @Test
    void jsonIsReadWithDefaults() throws IOException {
        DecisionProblem p = ProblemJson.read(write("p.json", JSON));
        assertEquals(List.of("x", "y", "z"), p.variables());
        assertEquals(List.of("A_ub row 0", "A_ub row 1", "A_ub row 2", "A_ub row 3", "A_eq row 0"), p.constraints());
        assertArrayEquals(new double[] {-INF, -INF, -INF, -INF, 0.5}, p.rowLower());
        assertArrayEquals(new double[] {8, -1, 6, -2, 0.5}, p.rowUpper());
        assertArrayEquals(new double[] {0, -INF, 1}, p.lower());
        assertArrayEquals(new double[] {4, 3, INF}, p.upper());
        assertEquals("maximize MIP: 3 variables (1 integer), 5 constraints, 12 nonzeros", p.describe());
        DecisionProblem minimal = ProblemJson.read(write("m.json", "{\"variables\": 2, \"Q\": [[2, 1], [0, 2]]}"));
        assertFalse(minimal.maximize());
        assertArrayEquals(new double[] {0, 0}, minimal.lower());
        assertArrayEquals(new double[] {INF, INF}, minimal.upper());
        assertArrayEquals(new double[] {2, 0.5, 0.5, 2}, minimal.quadratic(), "the symmetric part of Q");
        assertEquals(List.of("w0", "w1"), minimal.variables());
    }

    @Test
    void freeAndFixedMpsDescribeTheSameProblem() throws IOException {
        DecisionProblem free = Mps.read(write("p.mps", FREE_MPS));
        assertEquals(List.of("x", "y", "z"), free.variables());
        assertEquals(List.of("cap", "low", "sum", "link"), free.constraints());
        assertMpsMatchesJson(free);
        DecisionProblem fixed = Mps.read(write("f.mps", FIXED_MPS));
        assertEquals(List.of("X VAR", "Y", "Z"), fixed.variables());
        assertEquals(List.of("CAP ROW", "LOW", "SUM", "LINK"), fixed.constraints());
        assertSameProblem(free, fixed);
        assertSameProblem(free, Mps.read(write("p2.mps", FREE_MPS), Mps.Format.FREE));
        assertSameProblem(free, Mps.read(dir.resolve("f.mps"), Mps.Format.FIXED));
    }

    private String jsonError(String text) throws IOException {
        Path p = write("bad.json", text);
        return assertThrows(IllegalArgumentException.class, () -> ProblemJson.read(p)).getMessage()
                .replace(p.toString(), "bad.json");
    }

    private String mpsError(String text) throws IOException {
        Path p = write("bad.mps", text);
        return assertThrows(IllegalArgumentException.class, () -> Mps.read(p)).getMessage()
                .replace(p.toString(), "bad.mps");
    }

    @Test
    void jsonErrorsNameTheKey() throws IOException {
        assertEquals("bad.json: key \"b_up\" is not a key of this file; did you mean \"b_ub\"? valid keys: "
                + String.join(", ", ProblemJson.KEYS) + " (keys are case-sensitive)",
                jsonError("{\"variables\": 1, \"b_up\": [1]}"));
        assertEquals("bad.json: key \"b_ub\" entry [1] must be a finite number, got NaN",
                jsonError("{\"variables\": 1, \"A_ub\": [[1], [2]], \"b_ub\": [1, NaN]}"));
        assertEquals("bad.json: key \"A_ub\" has 2 columns; it needs one per variable (3)",
                jsonError("{\"variables\": 3, \"A_ub\": [[1, 2]], \"b_ub\": [1]}"));
        assertEquals("bad.json: key \"b_eq\" is missing; \"A_eq\" needs it",
                jsonError("{\"variables\": 1, \"A_eq\": [[1]]}"));
        assertEquals("bad.json: key \"upper\" entry [0] must be a finite number, or null for no bound, got Infinity",
                jsonError("{\"variables\": 1, \"upper\": [Infinity]}"));
        assertEquals("bad.json: key \"integer\" entry [0] is 3; variable indices run from 0 to 1",
                jsonError("{\"variables\": 2, \"integer\": [3]}"));
        assertTrue(jsonError("{\"variables\": 2, \"variables\": 3}").contains("key \"variables\" appears twice"));
        assertEquals("bad.json: a quadratic term with integer variables (a mixed-integer QP) is not supported; drop"
                + " the integrality or the quadratic term",
                jsonError("{\"variables\": 1, \"Q\": [[1]], \"integer\": \"all\"}"));
    }

    @Test
    void infeasibleProblemsNameTheCulprit() throws IOException {
        assertEquals("bad.json: the problem is infeasible: constraint A_ub row 1 needs its left side <= -1, but"
                + " within the variable bounds it is at least 0",
                jsonError("{\"variables\": 2, \"A_ub\": [[1, 1], [1, 0]], \"b_ub\": [4, -1]}"));
        assertEquals("bad.json: the problem is infeasible: variable w1 has lower bound 2 above its upper bound 1",
                jsonError("{\"variables\": 2, \"lower\": [0, 2], \"upper\": 1}"));
        assertEquals("bad.json: the problem is infeasible: variable w0 is integer but no integer lies in [0.200000,"
                + " 0.800000]", jsonError("{\"variables\": 1, \"lower\": 0.2, \"upper\": 0.8, \"integer\": [0]}"));
        assertEquals("bad.json: the problem is infeasible: constraint A_eq row 0 needs its left side >= 5, but"
                + " within the variable bounds it is at most 2",
                jsonError("{\"variables\": 2, \"upper\": 1, \"A_eq\": [[1, 1]], \"b_eq\": [5]}"));
    }

    @Test
    void mpsErrorsNameTheLine() throws IOException {
        assertEquals("bad.mps line 6: row caps is not declared in ROWS (did you mean cap?)",
                mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x caps 1\nENDATA\n"));
        assertEquals("bad.mps line 6: coefficient of x in row cap: 'one' is not a finite number",
                mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x cap one\nENDATA\n"));
        assertEquals("bad.mps: no ENDATA line; the file may be cut short",
                mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x cap 1\n"));
        assertEquals("bad.mps line 7: column x has two entries in row cap",
                mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x cap 1\n    x cap 2\nENDATA\n"));
        assertEquals("bad.mps line 8: column x appears again after other columns; a column's entries must be"
                + " together", mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x cap 1\n    y cap 1\n"
                        + "    x obj 2\nENDATA\n"));
        assertTrue(mpsError("NAME x\nROWS\n N obj\nCOLUMNS\n    x obj 1\nQUADOBJ\n    x x 1\nENDATA\n")
                .startsWith("bad.mps line 6: section QUADOBJ is not supported; an MPS file here has the sections"));
        assertEquals("bad.mps line 9: bound type 'SC' is not one of UP, LO, FX, FR, MI, PL, BV, LI, UI"
                + " (semi-continuous variables are not supported)",
                mpsError("NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    x cap 1\nBOUNDS\n UP B x 4\n SC B x 2\nENDATA\n"));
        assertEquals("bad.mps: column x has a negative upper bound -2.0 and no lower bound; MPS readers disagree on"
                + " what this means, so give an LO or MI bound too",
                mpsError("NAME x\nROWS\n N obj\nCOLUMNS\n    x obj 1\nBOUNDS\n UP B x -2\nENDATA\n"));
        assertEquals("bad.mps line 8: bound on column xx, which is not in COLUMNS (did you mean x?)",
                mpsError("NAME x\nROWS\n N obj\nCOLUMNS\n    x obj 1\nBOUNDS\n UP B x 2\n UP B xx 3\nENDATA\n"));
        assertEquals("bad.mps: the problem is infeasible: constraint cap needs its left side >= 5, but within the"
                + " variable bounds it is at most 4", mpsError("NAME x\nROWS\n N obj\n G cap\nCOLUMNS\n    x cap 1\n"
                        + "RHS\n    R cap 5\nBOUNDS\n UP B x 4\nENDATA\n"));
    }

    @Test
    void shippedExampleJsonAndMpsAgree() {
        Path examples = Path.of("..", "examples", "train");
        DecisionProblem json = ProblemJson.read(examples.resolve("shortest-path.json"));
        DecisionProblem mps = Mps.read(examples.resolve("shortest-path.mps"));
        assertEquals(json.variables(), mps.variables());
        assertSameProblem(json, mps);
        assertEquals("minimize LP: 40 variables, 25 constraints, 80 nonzeros", mps.describe());
    }
}
