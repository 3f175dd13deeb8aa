package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @Test
    void helpListsTheCommands() {
        CliRun top = CliRun.of("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("bench"), top.out());
        CliRun backward = CliRun.of("bench", "backward", "--help");
        assertEquals(0, backward.exitCode());
        for (String option : new String[] {"--n", "--batch", "--seed", "--tol", "--threads", "--repeat", "--json"}) {
            assertTrue(backward.out().contains(option), option + " missing from\n" + backward.out());
        }
    }

    @Test
    void versionNamesTheTool() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("foldopt "), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "bench nope", "bench", "", "bench backward --n -5", "bench backward --n abc",
        "bench backward --batch 0", "bench backward --tol -1", "bench backward --threads 0",
        "bench backward --bogus", "bench backward --tol 1e300", "bench backward --tol 1", "bench backward --tol 0",
        "bench backward --threads 100000", "bench backward --repeat 0", "bench backward --n 3000000000"})
    void badCommandLinesFailWithOneLine(String line) {
        CliRun run = CliRun.of(line.isEmpty() ? new String[0] : line.split(" "));
        assertNotEquals(0, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("--help"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void extraArgumentsAreNamed() {
        CliRun list = CliRun.of("list", "x");
        assertEquals(2, list.exitCode());
        assertTrue(list.err().startsWith("foldopt list: unexpected argument 'x': it takes no arguments; see"),
                list.err());
        CliRun sensitivity = CliRun.of("sensitivity", "a.json", "b.json");
        assertTrue(sensitivity.err().startsWith("foldopt sensitivity: unexpected argument 'b.json'; see"),
                sensitivity.err());
    }

    @Test
    void optionErrorsSayWhatWasExpected() {
        CliRun tol = CliRun.of("bench", "backward", "--tol", "1e300");
        assertEquals(2, tol.exitCode());
        assertTrue(tol.err().contains("--tol must be a tolerance in (0, 1), e.g. 1e-8, got 1.0E300"), tol.err());
        CliRun threads = CliRun.of("bench", "backward", "--threads", "100000");
        assertTrue(threads.err().contains("--threads must be a number of threads from 1 to 32767, got 100000"),
                threads.err());
        CliRun size = CliRun.of("bench", "backward", "--n", "100000", "--batch", "100000");
        assertEquals(1, size.exitCode());
        assertTrue(size.err().contains("bench backward at --n 100000 --batch 100000 needs an array of"
                + " 1,000,000,000,000,000 entries, more than a Java array holds"), size.err());
        CliRun memory = CliRun.of("bench", "backward", "--n", "1000", "--batch", "2000");
        assertTrue(memory.err().contains("needs about 224.1 GB of memory, more than the"), memory.err());
        assertTrue(memory.err().contains("use a smaller --n or --batch, or give Java more memory"), memory.err());
    }

    @Test
    void unwritableReportFolderIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun run = CliRun.of("bench", "backward", "--n", "100000", "--out", file.resolve("sub").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("--out " + file.resolve("sub") + ": cannot write a report there: "),
                run.err());
        assertTrue(run.err().contains("directory"), "the reason is missing: " + run.err());
    }
}
