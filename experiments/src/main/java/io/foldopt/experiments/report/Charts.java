package io.foldopt.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG charts drawn with Java2D (headless): line charts of series over epochs and grouped bar charts
 * of values by method. Axes get "nice" ticks (1, 2, 5 times a power of ten).
 */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** Dash patterns of the line series, in order: solid, dashed, dotted, dash-dot, long dash, dash-dot-dot. */
    private static final float[][] DASHES = {{1f, 0f}, {9f, 5f}, {2f, 4f}, {9f, 4f, 2f, 4f}, {16f, 6f},
        {9f, 4f, 2f, 4f, 2f, 4f}};

    private Charts() {}

    /** A named sequence of points. */
    public record Series(String name, double[] x, double[] y) {}

    /** A named group of bars, one value per category. */
    public record BarGroup(String name, double[] values) {}

    /**
     * Draws one line per series, each with its own color, dash pattern and marker shape (so that coinciding
     * curves stay visible), notes which curves coincide to plotting precision, and writes the PNG.
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series)
            throws IOException {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, s.y()[i]);
                    y1 = Math.max(y1, s.y()[i]);
                }
            }
        }
        Axes axes = new Axes(x0, x1, Math.min(0, y0), y1);
        Graphics2D g = axes.begin(title, xLabel, yLabel);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    DASHES[k % DASHES.length], 0f));
            for (int i = 0; i + 1 < s.x().length; i++) {
                g.draw(new Line2D.Double(axes.px(s.x()[i]), axes.py(s.y()[i]), axes.px(s.x()[i + 1]),
                        axes.py(s.y()[i + 1])));
            }
            g.setStroke(new BasicStroke(1.6f));
            for (int i = 0; i < s.x().length; i++) {
                marker(g, k, axes.px(s.x()[i]), axes.py(s.y()[i]));
            }
            double ly = TOP + 17 + 24 * k;
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    DASHES[k % DASHES.length], 0f));
            g.draw(new Line2D.Double(WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 38, ly));
            g.setStroke(new BasicStroke(1.6f));
            marker(g, k, WIDTH - RIGHT + 25, ly);
            axes.label(k, s.name());
        }
        String note = coincidence(series, 0.5 / axes.pixelsPerUnit());
        if (note != null) {
            axes.note(note);
        }
        axes.write(file);
    }

    /**
     * @param tolerance the largest difference of two y values that the chart cannot show apart
     * @return "curves coincide: a = b, c = d" for the groups of series with the same x values whose y values all
     *     differ by at most {@code tolerance}, or null if no two series coincide
     */
    static String coincidence(List<Series> series, double tolerance) {
        List<String> groups = new ArrayList<>();
        boolean[] grouped = new boolean[series.size()];
        for (int a = 0; a < series.size(); a++) {
            if (grouped[a]) {
                continue;
            }
            StringBuilder group = new StringBuilder(series.get(a).name());
            for (int b = a + 1; b < series.size(); b++) {
                if (!grouped[b] && coincide(series.get(a), series.get(b), tolerance)) {
                    grouped[b] = true;
                    group.append(" = ").append(series.get(b).name());
                }
            }
            if (group.length() > series.get(a).name().length()) {
                groups.add(group.toString());
            }
        }
        return groups.isEmpty() ? null : "curves coincide: " + String.join(", ", groups);
    }

    private static boolean coincide(Series a, Series b, double tolerance) {
        if (!Arrays.equals(a.x(), b.x())) {
            return false;
        }
        for (int i = 0; i < a.y().length; i++) {
            if (!(Math.abs(a.y()[i] - b.y()[i]) <= tolerance)) {
                return false;
            }
        }
        return true;
    }

    /** Draws the marker of series {@code k} (circle, square, triangle, diamond, ...) centred at {@code (x, y)}. */
    private static void marker(Graphics2D g, int k, double x, double y) {
        double r = 4;
        Shape shape = switch (k % 6) {
            case 0 -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 2 -> polygon(new double[] {x, x + r, x - r}, new double[] {y - r, y + r, y + r});
            case 3 -> polygon(new double[] {x, x + r, x, x - r}, new double[] {y - r, y, y + r, y});
            case 4 -> polygon(new double[] {x - r, x + r, x}, new double[] {y - r, y - r, y + r});
            default -> null;
        };
        if (shape == null) {
            g.draw(new Line2D.Double(x - r, y - r, x + r, y + r));
            g.draw(new Line2D.Double(x - r, y + r, x + r, y - r));
        } else if (k % 12 < 6) {
            g.fill(shape);
        } else {
            g.draw(shape);
        }
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }

    /**
     * Draws grouped vertical bars (one group per category, one bar per {@link BarGroup}), each labelled with its
     * value, states whether lower or higher values are better, and writes the PNG.
     */
    public static void bars(Path file, String title, String yLabel, boolean lowerIsBetter, List<String> categories,
            List<BarGroup> groups) throws IOException {
        double y1 = 0;
        for (BarGroup gr : groups) {
            for (double v : gr.values()) {
                if (Double.isFinite(v)) {
                    y1 = Math.max(y1, v);
                }
            }
        }
        Axes axes = new Axes(0, categories.size(), 0, y1 > 0 ? 1.08 * y1 : 1);
        axes.categorical = categories;
        Graphics2D g = axes.begin(title, "", yLabel);
        double slot = 0.8 / groups.size();
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k < groups.size(); k++) {
            g.setColor(PALETTE[k % PALETTE.length]);
            double[] v = groups.get(k).values();
            for (int c = 0; c < categories.size(); c++) {
                double left = axes.px(c + 0.1 + k * slot);
                double right = axes.px(c + 0.1 + (k + 1) * slot);
                double top = axes.py(Double.isFinite(v[c]) ? v[c] : 0);
                g.fill(new Rectangle2D.Double(left, top, Math.max(1, right - left - 2), axes.py(0) - top));
                String label = barLabel(v[c]);
                Color bar = g.getColor();
                g.setColor(Color.BLACK);
                g.drawString(label, (float) ((left + right - 2) / 2 - fm.stringWidth(label) / 2.0), (float) top - 4);
                g.setColor(bar);
            }
            axes.legend(k, groups.get(k).name());
        }
        axes.note(lowerIsBetter ? "lower is better" : "higher is better");
        axes.write(file);
    }

    /** @return a bar's value label: three significant digits, or {@code n/a} if not finite */
    static String barLabel(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v) : "n/a";
    }

    /** Plot area, data-to-pixel mapping, ticks, labels and legend. */
    private static final class Axes {
        private final double x0;
        private final double x1;
        private final double y0;
        private final double y1;
        private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        private Graphics2D g;
        private List<String> categorical;

        Axes(double x0, double x1, double y0, double y1) {
            double[] y = niceRange(y0, y1);
            this.x0 = x0;
            this.x1 = x1 > x0 ? x1 : x0 + 1;
            this.y0 = y[0];
            this.y1 = y[1];
        }

        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
        }

        Graphics2D begin(String title, String xLabel, String yLabel) {
            g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, LEFT, TOP - 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            double step = niceStep(y1 - y0);
            for (double y = y0; y <= y1 + 1e-9 * step; y += step) {
                g.setColor(new Color(0xe6e6e6));
                g.draw(new Line2D.Double(LEFT, py(y), WIDTH - RIGHT, py(y)));
                g.setColor(Color.BLACK);
                String label = format(y);
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), (float) py(y) + 5);
            }
            if (categorical != null) {
                for (int c = 0; c < categorical.size(); c++) {
                    String label = categorical.get(c);
                    g.drawString(label, (float) (px(c + 0.5) - fm.stringWidth(label) / 2.0), HEIGHT - BOTTOM + 20);
                }
            } else {
                double xs = Math.max(1, niceStep(x1 - x0));
                for (double x = Math.ceil(x0 / xs) * xs; x <= x1 + 1e-9; x += xs) {
                    String label = format(x);
                    g.drawString(label, (float) (px(x) - fm.stringWidth(label) / 2.0), HEIGHT - BOTTOM + 20);
                }
            }
            g.setColor(Color.BLACK);
            g.draw(new Line2D.Double(LEFT, py(y0), WIDTH - RIGHT, py(y0)));
            g.draw(new Line2D.Double(LEFT, TOP, LEFT, HEIGHT - BOTTOM));
            g.drawString(xLabel, (float) ((LEFT + WIDTH - RIGHT) / 2.0 - fm.stringWidth(xLabel) / 2.0),
                    HEIGHT - BOTTOM + 48);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + HEIGHT - BOTTOM) / 2f - fm.stringWidth(yLabel) / 2f, 22);
            rotated.dispose();
            return g;
        }

        /** @return pixels per unit of y */
        double pixelsPerUnit() {
            return (HEIGHT - TOP - BOTTOM) / (y1 - y0);
        }

        /** Writes a one-line note below the title. */
        void note(String text) {
            Color c = g.getColor();
            Font f = g.getFont();
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
            g.drawString(text, LEFT, TOP - 2);
            g.setColor(c);
            g.setFont(f);
        }

        /** Draws legend entry {@code k}: a swatch of the current color and the name. */
        void legend(int k, String name) {
            g.fillRect(WIDTH - RIGHT + 20, TOP + 10 + 24 * k, 14, 14);
            label(k, name);
        }

        /** Draws the name of legend entry {@code k}. */
        void label(int k, String name) {
            Color c = g.getColor();
            g.setColor(Color.BLACK);
            g.drawString(name, WIDTH - RIGHT + 42, TOP + 22 + 24 * k);
            g.setColor(c);
        }

        void write(Path file) throws IOException {
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
        }
    }

    /** @return {@code [lo, hi]} widened to multiples of a nice step, with a nonzero width */
    private static double[] niceRange(double lo, double hi) {
        if (!(hi > lo)) {
            hi = lo + (lo == 0 ? 1 : Math.abs(lo));
        }
        double step = niceStep(hi - lo);
        return new double[] {Math.floor(lo / step) * step, Math.ceil(hi / step) * step};
    }

    /** @return about a fifth of {@code span}, rounded to 1, 2 or 5 times a power of ten */
    private static double niceStep(double span) {
        double raw = span / 5;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
    }

    private static String format(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
