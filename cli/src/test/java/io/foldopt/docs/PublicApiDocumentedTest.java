package io.foldopt.docs;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Runs the javadoc tool with every doclint check over the main sources of all library and tool modules: no public
 * type or member without a doc comment, and no malformed Javadoc (the build's own javadoc goal skips only the
 * per-parameter tag checks).
 */
class PublicApiDocumentedTest {
    private static final List<String> MODULES = List.of("core", "blas", "algorithms", "nn", "ortools", "experiments",
            "cli");

    @Test
    void everyPublicTypeAndMemberHasADocComment() throws IOException {
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        assertNotNull(tool, "the javadoc tool is part of every JDK");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<File> sources;
        try (Stream<Path> files = MODULES.stream().map(m -> Path.of("..", m, "src/main/java"))
                .flatMap(PublicApiDocumentedTest::javaFiles)) {
            sources = files.map(Path::toFile).collect(Collectors.toList());
        }
        Path out = Files.createTempDirectory("foldopt-javadoc");
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = tool.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", out.toString(), "-quiet", "-Xdoclint:all", "-Xmaxwarns", "100000",
                    "-encoding", "UTF-8", "-classpath", System.getProperty("java.class.path"));
            tool.getTask(log, files, diagnostics, null, options, files.getJavaFileObjectsFromFiles(sources)).call();
        }
        List<String> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR
                        || d.getMessage(Locale.ROOT).contains("no comment"))
                .map(d -> (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                        + d.getMessage(Locale.ROOT))
                .collect(Collectors.toList());
        assertTrue(sources.size() > 100, "found only " + sources.size() + " source files");
        assertTrue(problems.isEmpty(), problems.size() + " javadoc problems:\n" + String.join("\n", problems));
    }

    private static Stream<Path> javaFiles(Path dir) {
        try {
            return Files.walk(dir).filter(p -> p.toString().endsWith(".java"))
                    .collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }
}
