package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
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
        "bench backward --bogus"})
    void badCommandLinesFailWithOneLine(String line) {
        CliRun run = CliRun.of(line.isEmpty() ? new String[0] : line.split(" "));
        assertNotEquals(0, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("--help"), run.err());
        assertEquals("", run.out());
    }
}
