package io.foldopt.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README shows the example user project's pom and main class verbatim; the foldopt-it module builds that project
 * against the installed artifacts and runs it (in {@code mvn verify}), so what a reader copies compiles and trains.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void readmeShowsTheExampleProjectVerbatim() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String file : new String[] {"pom.xml", "src/main/java/example/Main.java"}) {
            String text = Files.readString(ROOT.resolve("examples/user-project").resolve(file)).strip();
            assertTrue(readme.contains(text), "README.md must contain examples/user-project/" + file + " verbatim");
        }
    }
}
