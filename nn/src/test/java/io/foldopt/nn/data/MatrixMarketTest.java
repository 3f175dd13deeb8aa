package io.foldopt.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matrix Market files: round trips, the supported variants, and one-line errors with the line number. */
class MatrixMarketTest {
    @TempDir
    Path dir;

    private static CsrMatrix parse(String text) {
        return MatrixMarket.read(new StringReader(text), "m.mtx");
    }

    @Test
    void sparseRoundTripIsExact() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] r = new int[40];
        int[] c = new int[40];
        double[] v = new double[40];
        for (int k = 0; k < 40; k++) {
            r[k] = rng.nextInt(9);
            c[k] = rng.nextInt(6);
            v[k] = rng.nextGaussian() * Math.pow(10, rng.nextInt(-20, 20));
        }
        CsrMatrix a = CsrMatrix.fromTriplets(9, 6, r, c, v);
        Path file = dir.resolve("a.mtx");
        MatrixMarket.write(file, a);
        CsrMatrix b = MatrixMarket.read(file);
        assertEquals(9, b.rows());
        assertEquals(6, b.cols());
        assertArrayEquals(a.rowPointers(), b.rowPointers());
        assertArrayEquals(a.columnIndices(), b.columnIndices());
        assertArrayEquals(a.values().value().data(), b.values().value().data());
    }

    @Test
    void denseRoundTripIsExact() {
        Tensor a = Tensor.randn(new SplittableRandom(4), 3, 5);
        Path file = dir.resolve("d.mtx");
        MatrixMarket.writeDense(file, a);
        assertArrayEquals(a.data(), MatrixMarket.readDense(file).data());
    }

    @Test
    void symmetricSkewPatternAndCommentsAreRead() {
        CsrMatrix s = parse("%%MatrixMarket matrix coordinate real symmetric\n% a comment\n\n3 3 3\n1 1 2.0\n"
                + "3 1 -1.5\n3 2 4e-1\n");
        assertArrayEquals(new double[] {2, 0, -1.5, 0, 0, 0.4, -1.5, 0.4, 0}, s.toDense().data());
        CsrMatrix k = parse("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 3\n");
        assertArrayEquals(new double[] {0, -3, 3, 0}, k.toDense().data());
        CsrMatrix p = parse("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n");
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0}, p.toDense().data());
        CsrMatrix d = parse("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n");
        assertArrayEquals(new double[] {1, 2, 2, 3}, d.toDense().data());
        CsrMatrix dup = parse("%%MatrixMarket matrix coordinate real general\n1 1 2\n1 1 1\n1 1 2.5\n");
        assertArrayEquals(new double[] {3.5}, dup.values().value().data());
    }

    @Test
    void malformedFilesNameTheLine() {
        String head = "%%MatrixMarket matrix coordinate real general\n";
        assertError("m.mtx:1: expected the header '%%MatrixMarket matrix <format> <field> <symmetry>', got"
                + " 'hello'", "hello\n");
        assertError("m.mtx:1: unsupported field 'complex' (real, integer or pattern)",
                "%%MatrixMarket matrix coordinate complex general\n");
        assertError("m.mtx:2: expected 3 fields 'rows columns entries', got '2 2'", head + "2 2\n");
        assertError("m.mtx:4: expected 3 fields 'row column value', got '2 x'", head + "2 2 2\n1 1 1\n2 x\n");
        assertError("m.mtx:3: row index 3 is outside 1..2", head + "2 2 1\n3 1 1\n");
        assertError("m.mtx:3: column index 'a' is not an integer", head + "2 2 1\n1 a 1\n");
        assertError("m.mtx:3: value nan is not finite", head + "2 2 1\n1 1 nan\n");
        assertError("m.mtx:3: value -Infinity is not finite", head + "2 2 1\n1 1 -Infinity\n");
        assertError("m.mtx:3: value 1e999 is not finite", head + "2 2 1\n1 1 1e999\n");
        assertError("m.mtx:3: value '1,5' is not a number", head + "2 2 1\n1 1 1,5\n");
        assertError("m.mtx:4: end of file, expected entry 2 of 2", head + "2 2 2\n1 1 1\n");
        assertError("m.mtx:4: more data than the 1 entries declared: '2 2 1'", head + "2 2 1\n1 1 1\n2 2 1\n");
        assertError("m.mtx:3: entry (1, 2) is not below the diagonal or on it, as a symmetric file stores only the"
                + " lower triangle", "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n");
        assertError("m.mtx:2: a symmetric matrix must be square, got 2 x 3",
                "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n");
        assertError("m.mtx:1: empty file, expected the header '%%MatrixMarket matrix coordinate real general'", "");
    }

    private static void assertError(String message, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void unreadableFileIsAnIoError() {
        Path missing = dir.resolve("missing.mtx");
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> MatrixMarket.read(missing));
        assertEquals(true, e.getMessage().startsWith("cannot read " + missing), e.getMessage());
        assertEquals(false, Files.exists(missing));
    }
}
