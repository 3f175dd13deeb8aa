package io.foldopt.experiments.denoising2d;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Grey-scale PNG figures of image denoising: an image, a noisy / denoised / clean triple, and banks of small filters
 * with their weights.
 */
public final class DenoisingFigures {
    private static final int CELL = 24;
    private static final int GAP = 16;
    private static final int LABEL = 130;
    private static final int TEXT = 18;
    private static final int TRIPLE_SIDE = 256;

    private DenoisingFigures() {}

    /**
     * A bank of filters to draw in one row.
     *
     * @param label the row's label, e.g. the method
     * @param filters the filters {@code (K, kh, kw)}, flat, each {@code 3 x 3}
     * @param weights the weights {@code lambda_k (K)}, printed under the filters
     */
    public record Bank(String label, double[] filters, double[] weights) {}

    /**
     * Writes an {@code s x s} image with values in {@code [0, 1]} as an 8-bit grey PNG, one pixel per value
     * ({@code round(255 v)}, values outside {@code [0, 1]} clipped).
     *
     * @param pixels {@code s^2} values, row-major
     */
    public static void image(Path file, double[] pixels, int side) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        paint(img.getRaster(), pixels, side, 1, 0);
        write(img, file);
    }

    /**
     * Writes the noisy, denoised and clean {@code s x s} images side by side as a grey PNG, each enlarged by the
     * integer factor that brings it closest to 256 pixels (at least 1), separated by white columns.
     */
    public static void triple(Path file, double[] noisy, double[] denoised, double[] clean, int side)
            throws IOException {
        int zoom = Math.max(1, Math.round((float) TRIPLE_SIDE / side));
        int s = side * zoom;
        BufferedImage img = new BufferedImage(3 * s + 2 * GAP, s, BufferedImage.TYPE_BYTE_GRAY);
        fill(img, Color.WHITE).dispose();
        double[][] parts = {noisy, denoised, clean};
        for (int i = 0; i < 3; i++) {
            paint(img.getRaster(), parts[i], side, zoom, i * (s + GAP));
        }
        write(img, file);
    }

    /**
     * Writes one row per bank: its label, then each filter as a 3 x 3 block of grey cells (mid-grey 0, white the
     * filter's largest absolute weight, black its negative) with its weight {@code lambda_k} beneath.
     */
    public static void filters(Path file, List<Bank> banks) throws IOException {
        int k = banks.stream().mapToInt(b -> b.weights().length).max().orElse(0);
        int block = 3 * CELL;
        int rowHeight = block + TEXT + GAP;
        BufferedImage img = new BufferedImage(LABEL + k * (block + GAP) + GAP, GAP + banks.size() * rowHeight,
                BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = fill(img, Color.WHITE);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < banks.size(); r++) {
            Bank b = banks.get(r);
            int y0 = GAP + r * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString(b.label(), 8, y0 + block / 2 + 5);
            for (int f = 0; f < b.weights().length; f++) {
                int x0 = LABEL + f * (block + GAP);
                double max = 0;
                for (int t = 0; t < 9; t++) {
                    max = Math.max(max, Math.abs(b.filters()[f * 9 + t]));
                }
                for (int t = 0; t < 9; t++) {
                    double v = max == 0 ? 0 : b.filters()[f * 9 + t] / max;
                    int grey = (int) Math.round(127.5 + 127.5 * v);
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(x0 + (t % 3) * CELL, y0 + (t / 3) * CELL, CELL, CELL);
                }
                g.setColor(Color.GRAY);
                g.drawRect(x0, y0, block, block);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.4g", b.weights()[f]), x0, y0 + block + TEXT - 4);
            }
        }
        g.dispose();
        write(img, file);
    }

    /** Paints {@code side x side} values in {@code [0, 1]} enlarged {@code zoom} times at column {@code x0}. */
    private static void paint(WritableRaster raster, double[] pixels, int side, int zoom, int x0) {
        if (pixels.length != side * side) {
            throw new IllegalArgumentException("an image of " + side + " x " + side + " pixels needs " + side * side
                    + " values, got " + pixels.length);
        }
        for (int r = 0; r < side * zoom; r++) {
            for (int c = 0; c < side * zoom; c++) {
                double v = pixels[(r / zoom) * side + c / zoom];
                raster.setSample(x0 + c, r, 0, (int) Math.round(255 * Math.min(1, Math.max(0, v))));
            }
        }
    }

    private static Graphics2D fill(BufferedImage img, Color color) {
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }
}
