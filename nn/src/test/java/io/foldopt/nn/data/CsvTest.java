package io.foldopt.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.tensor.Tensor;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files: selected columns read exactly, round trips, and one-line errors naming the line and the column. */
class CsvTest {
    @TempDir
    Path dir;

    private static Tensor parse(String text, String... columns) {
        return Csv.read(new StringReader(text), "train.csv", List.of(columns));
    }

    private static String error(String text, String... columns) {
        return assertThrows(IllegalArgumentException.class, () -> parse(text, columns)).getMessage();
    }

    @Test
    void readsTheRequestedColumnsInTheRequestedOrder() {
        Tensor t = parse("id,f1,\"f 2\",c1\nalpha,1,-2.5e1,.5\n\n\"b, c\", 3 ,4.,-0\n", "c1", "f1", "f 2");
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new double[] {0.5, 1, -25, -0.0, 3, 4}, t.data());
    }

    @Test
    void writeThenReadIsExact() throws Exception {
        Tensor a = Tensor.randn(new SplittableRandom(5), 7, 3).map(v -> v * Math.pow(10, 12 * v));
        Path file = dir.resolve("p.csv");
        Csv.write(file, List.of("x", "y, z", "w\"q"), a);
        assertEquals(List.of("x", "y, z", "w\"q"), Csv.header(file));
        assertArrayEquals(a.data(), Csv.read(file, List.of("x", "y, z", "w\"q")).data());
        assertEquals("x,\"y, z\",\"w\"\"q\"", Files.readAllLines(file).get(0));
    }

    @Test
    void badCellsNameTheLineAndTheColumn() {
        String text = "f1,c3\n1,2\n3,abc\n";
        assertEquals("train.csv line 3, column c3: 'abc' is not a number", error(text, "f1", "c3"));
        assertEquals(2, parse(text, "f1").dim(0), "a column not asked for is not parsed");
        assertEquals("train.csv line 2, column f1: the cell is empty; it needs a number", error("f1,f2\n ,2\n",
                "f1"));
    }

    @Test
    void everyNonDecimalSpellingIsRejected() {
        for (String bad : new String[] {"NaN", "inf", "Infinity", "0x10", "1d", "1,5", "1e", "--1", "1e400", "+"}) {
            String cell = bad.contains(",") ? "\"" + bad + "\"" : bad;
            String message = error("a,b\n1," + cell + "\n", "b");
            assertEquals("train.csv line 2, column b: '" + bad + "' is not a number"
                    + (bad.equals("1e400") ? " (too large for a double)" : ""), message);
        }
    }

    @Test
    void structuralErrorsNameTheLine() {
        assertEquals("train.csv line 3: 3 fields, the header has 2", error("a,b\n1,2\n1,2,3\n", "a"));
        assertEquals("train.csv line 1, header: column 'a' appears twice (fields 1 and 3)", error("a,b,a\n1,2,3\n",
                "b"));
        assertEquals("train.csv line 1, header field 2: empty column name; every column needs a name",
                error("a,,b\n1,2,3\n", "a"));
        assertEquals("train.csv line 2, field 2: a quote opened at character 3 is not closed on this line",
                error("a,b\n1,\"2\n", "a"));
        assertEquals("train.csv: no data rows after the header", error("a,b\n\n", "a"));
        assertEquals("train.csv: empty file; the first line must name the columns, e.g. 'f1,f2,c1'", error("", "a"));
        assertEquals("train.csv: column 'f9' is not in the header (f1,f8)", error("f1,f8\n1,2\n", "f9"));
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.csv");
        assertEquals(file + ": no such file", assertThrows(IllegalArgumentException.class,
                () -> Csv.header(file)).getMessage());
    }
}
