package io.foldopt.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the charts say besides their pixels: which curves coincide, and the bars' value labels. */
class ChartsTest {
    private static Charts.Series series(String name, double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return new Charts.Series(name, x, y);
    }

    @Test
    void curvesEqualToPlottingPrecisionAreNamedAsCoinciding() {
        List<Charts.Series> s = List.of(series("folded-sqp", 0.5, 0.2, 0.1), series("two-stage", 0.5, 0.3, 0.2),
                series("kkt", 0.5, 0.2 + 1e-4, 0.1), series("lml", 0.5, 0.3, 0.2 - 1e-4));
        assertEquals("curves coincide: folded-sqp = kkt, two-stage = lml", Charts.coincidence(s, 2e-4));
        // One point apart by more than the tolerance: not coinciding.
        assertNull(Charts.coincidence(s.subList(0, 2), 2e-4));
        assertNull(Charts.coincidence(List.of(s.get(0), s.get(2)), 1e-5));
        // Different x values never coincide.
        assertNull(Charts.coincidence(List.of(s.get(0), new Charts.Series("x", new double[] {1, 2, 3},
                s.get(0).y())), 1));
    }

    @Test
    void barLabelsShowThreeSignificantDigits() {
        assertEquals("0.00230", Charts.barLabel(0.0022979));
        assertEquals("1.23e+04", Charts.barLabel(12345));
        assertEquals("n/a", Charts.barLabel(Double.NaN));
    }
}
