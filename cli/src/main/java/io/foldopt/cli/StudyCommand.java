package io.foldopt.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.cli.format.TextTable;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.study.Studies;
import io.foldopt.experiments.study.Study;
import io.foldopt.experiments.study.StudyConfig;
import io.foldopt.experiments.study.StudyResult;
import io.foldopt.experiments.study.StudyTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foldopt study}: runs one study of folded differentiation and prints its table and findings. */
@Command(name = "study", sortOptions = false,
        description = {
            "Runs the study NAME on the experiments' folded layers (or on problems of known structure), writes"
                    + " its CSV files and PNG charts into the report folder, and prints its table and findings.",
            "'foldopt study --list' names the studies; docs/studies.md shows their results."})
final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The study's name (see --list).")
    String name;

    @Option(names = "--list", description = "List the studies and what each measures.")
    boolean list;

    @Option(names = "--size", defaultValue = "small",
            description = "small (under two minutes per study) or paper (larger problems; default:"
                    + " ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of every random source (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--task", paramLabel = "TASK", description = "Run only this task, e.g. nonconvex-qp/folded-pgd"
            + " (repeatable; default: all of the study's tasks).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--out", description = "Report folder (default: reports/study-NAME).")
    Path out;

    @Option(names = "--json", description = "Print one JSON object (tables, findings, files) instead of the tables.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        if (list) {
            for (Study s : Studies.all()) {
                w.println(s.name() + "  " + s.description());
            }
            w.flush();
            return 0;
        }
        if (name == null) {
            throw new ParameterException(spec.commandLine(), "missing the study's NAME: one of " + names()
                    + " ('foldopt study --list' says what each measures)");
        }
        Study study = Studies.byName(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown study '" + name + "': expected one of " + names()));
        Size parsedSize;
        try {
            parsedSize = Size.named(size);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--size " + e.getMessage());
        }
        Path dir = out == null ? Path.of("reports", "study-" + name) : out;
        OptionChecks.writableFolder(spec, "--out", dir);
        StudyResult result = study.run(new StudyConfig(parsedSize, seed, dir, Set.copyOf(tasks)));
        if (json) {
            new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(w, toMap(result));
            w.println();
        } else {
            w.printf(Locale.ROOT, "study %s (size %s, seed %d)%n", name, parsedSize.name().toLowerCase(Locale.ROOT),
                    seed);
            for (StudyTable t : result.tables()) {
                w.println();
                w.println(t.title() + ":");
                TextTable table = new TextTable(t.columns().toArray(String[]::new));
                t.text().forEach(table::add);
                w.print(table.render());
            }
            if (!result.findings().isEmpty()) {
                w.println("findings:");
                result.findings().forEach(f -> w.println("  " + f));
            }
        }
        w.flush();
        spec.commandLine().getErr().println("report written to " + dir.toAbsolutePath().normalize());
        return 0;
    }

    private static String names() {
        return Studies.all().stream().map(Study::name).collect(Collectors.joining(", "));
    }

    private static Map<String, Object> toMap(StudyResult r) {
        List<Map<String, Object>> tables = new ArrayList<>();
        for (StudyTable t : r.tables()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Object[] row : t.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int j = 0; j < row.length; j++) {
                    m.put(t.columns().get(j), row[j] instanceof Double d && !Double.isFinite(d) ? null : row[j]);
                }
                rows.add(m);
            }
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("title", t.title());
            table.put("rows", rows);
            tables.add(table);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", r.study());
        m.put("tables", tables);
        m.put("findings", r.findings());
        m.put("files", r.files().stream().map(Path::toString).toList());
        return m;
    }
}
