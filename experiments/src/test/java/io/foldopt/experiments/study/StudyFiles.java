package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.experiments.ExperimentConfig.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/** Runs a study in the small setting and reads back the files it wrote, as every study test does. */
final class StudyFiles {
    private StudyFiles() {}

    /** @return the result of {@code study} at the small size, seed 0, into {@code dir}, for the given tasks */
    static StudyResult run(Study study, Path dir, String... tasks) throws IOException {
        StudyResult r = study.run(new StudyConfig(Size.SMALL, 0, dir, Set.of(tasks)));
        assertEquals(study.name(), r.study());
        for (Path f : r.files()) {
            assertTrue(Files.size(f) > 0, "empty file " + f);
            if (f.toString().endsWith(".png")) {
                assertNotNull(ImageIO.read(f.toFile()), "not an image: " + f);
            }
        }
        return r;
    }

    /** @return the rows of a CSV file written by {@link StudyTable#csv()}, each a map from column to cell */
    static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = split(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = split(line);
            assertEquals(header.size(), cells.size(), "row width in " + file + ": " + line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int j = 0; j < cells.size(); j++) {
                row.put(header.get(j), cells.get(j));
            }
            rows.add(row);
        }
        return rows;
    }

    /** @return the cell as a number (NaN for an empty cell) */
    static double number(Map<String, String> row, String column) {
        String s = row.get(column);
        assertNotNull(s, "no column " + column + " in " + row);
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
