package io.foldopt.experiments.denoising2d;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads portable grey maps (Netpbm PGM): a header {@code P5} (binary) or {@code P2} (plain), the width, the height
 * and the maximum value {@code 1..65535} as decimal numbers separated by white space ({@code #} starts a comment to
 * the end of the line), then the pixels row by row: one byte each in binary files with a maximum below 256, two bytes
 * (most significant first) otherwise, decimal numbers in plain files.
 */
final class Pgm {
    private static final long MAX_PIXELS = 1L << 28;

    private final InputStream in;
    private final Path file;

    private Pgm(InputStream in, Path file) {
        this.in = in;
        this.file = file;
    }

    /**
     * @param in the stream, at the magic number
     * @param binary {@code P5} rather than {@code P2}
     * @param file the file's name for messages
     * @return the image, pixels divided by the maximum value
     * @throws IllegalArgumentException naming the file if the header or the pixels are malformed or cut short
     */
    static GreyImages.Grey read(InputStream in, boolean binary, Path file) throws IOException {
        Pgm p = new Pgm(in, file);
        in.skip(2);
        int width = p.number("width");
        int height = p.number("height");
        int max = p.number("maximum value");
        if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS || max < 1 || max > 65535) {
            throw p.malformed("width " + width + ", height " + height + " and maximum value " + max
                    + " are out of range");
        }
        double[] pixels = new double[width * height];
        for (int i = 0; i < pixels.length; i++) {
            int v = binary ? (max < 256 ? p.readByte() : p.readByte() << 8 | p.readByte()) : p.number("pixel");
            if (v > max) {
                throw p.malformed("pixel " + i + " is " + v + ", above the maximum value " + max);
            }
            pixels[i] = v / (double) max;
        }
        return new GreyImages.Grey(height, width, pixels);
    }

    /** @return the next decimal number of the header or of a plain file's pixels, skipping white space and comments */
    private int number(String what) throws IOException {
        int c = in.read();
        while (c == '#' || Character.isWhitespace(c)) {
            if (c == '#') {
                while (c != '\n' && c != '\r' && c != -1) {
                    c = in.read();
                }
            }
            c = in.read();
        }
        if (c < '0' || c > '9') {
            throw malformed(c == -1 ? "it ends before the " + what : "the " + what + " is not a number");
        }
        long v = 0;
        while (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
                throw malformed("the " + what + " is too large");
            }
            c = in.read();
        }
        return (int) v;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw malformed("it ends before the last pixel");
        }
        return b;
    }

    private IllegalArgumentException malformed(String cause) {
        return new IllegalArgumentException("cannot read the image " + file + ": malformed PGM, " + cause);
    }
}
