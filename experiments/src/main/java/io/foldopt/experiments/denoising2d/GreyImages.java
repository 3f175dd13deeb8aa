package io.foldopt.experiments.denoising2d;

import io.foldopt.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Grey-scale images in {@code [0, 1]} read from files and cut into square tiles, as rows of a tensor. PNG, JPEG, GIF
 * and BMP files are read by {@link ImageIO}: grey ones as their samples over the largest sample value, colour ones
 * converted to grey as {@code (0.299 R + 0.587 G + 0.114 B) / 255};
 * PGM files (binary {@code P5} or plain {@code P2}, any maximum value up to 65535) are read here and divided by
 * their maximum value.
 */
public final class GreyImages {
    private static final String EXTENSIONS = ".*\\.(png|jpe?g|gif|bmp|pgm)";

    private GreyImages() {}

    /**
     * Reads an image file, or every image file of a folder (by extension, in name order), and cuts each image into
     * the non-overlapping {@code side x side} tiles that fit, row by row from the top left (the rest of the image
     * is not used).
     *
     * @param path an image file or a folder
     * @param side the tiles' side, at least 1
     * @return the tiles {@code (N, side^2)}, row-major; {@code N} may be 0 if every image is smaller than a tile
     * @throws IllegalArgumentException in one line naming the path and the cause, if the path does not exist, the
     *     folder cannot be listed or has no image file, or a file cannot be read as an image
     */
    public static Tensor tiles(Path path, int side) {
        if (side < 1) {
            throw new IllegalArgumentException("the tile side must be at least 1, got " + side);
        }
        List<double[]> tiles = new ArrayList<>();
        for (Path file : files(path)) {
            Grey image = read(file);
            for (int r = 0; r + side <= image.height(); r += side) {
                for (int c = 0; c + side <= image.width(); c += side) {
                    double[] t = new double[side * side];
                    for (int i = 0; i < side; i++) {
                        System.arraycopy(image.pixels(), (r + i) * image.width() + c, t, i * side, side);
                    }
                    tiles.add(t);
                }
            }
        }
        double[] out = new double[tiles.size() * side * side];
        for (int k = 0; k < tiles.size(); k++) {
            System.arraycopy(tiles.get(k), 0, out, k * side * side, side * side);
        }
        return Tensor.wrap(out, tiles.size(), side * side);
    }

    /** A grey image: {@code pixels[r width + c]} in {@code [0, 1]}. */
    record Grey(int height, int width, double[] pixels) {}

    /** @return the file itself, or the folder's image files in name order */
    private static List<Path> files(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("cannot read the images " + path + ": no such file or folder");
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(path)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(EXTENSIONS))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list the image folder " + path + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the image folder " + path + " has no .png, .jpg, .jpeg, .gif, .bmp"
                    + " or .pgm file");
        }
        return files;
    }

    /**
     * @return the grey image of a file
     * @throws IllegalArgumentException in one line naming the file and the cause if it cannot be read as an image
     */
    static Grey read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            in.mark(2);
            boolean pgm = in.read() == 'P';
            int kind = in.read();
            in.reset();
            if (pgm && (kind == '2' || kind == '5')) {
                return Pgm.read(in, kind == '5', file);
            }
            BufferedImage img = ImageIO.read(in);
            if (img == null) {
                throw new IllegalArgumentException("cannot read the image " + file
                        + ": not a PNG, JPEG, GIF, BMP or PGM image");
            }
            return grey(img);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read the image " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the image " + file + ": " + e.getMessage());
        }
    }

    /** @return a one-band image's samples over their largest value, any other image's grey of its sRGB colours */
    private static Grey grey(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        double[] p = new double[h * w];
        Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && img.getColorModel().getNumComponents() == 1) {
            double max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    p[r * w + c] = raster.getSample(c, r, 0) / max;
                }
            }
            return new Grey(h, w, p);
        }
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int rgb = img.getRGB(c, r);
                p[r * w + c] = (0.299 * (rgb >> 16 & 255) + 0.587 * (rgb >> 8 & 255) + 0.114 * (rgb & 255)) / 255.0;
            }
        }
        return new Grey(h, w, p);
    }
}
