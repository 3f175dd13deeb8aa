package io.foldopt.experiments.denoising2d;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PNG and PGM images into grey tiles, and the one-line errors for what cannot be read. */
class GreyImagesTest {
    @TempDir
    Path dir;

    @Test
    void aPngIsCutIntoTilesRowByRow() throws IOException {
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 5; c++) {
                img.getRaster().setSample(c, r, 0, 10 * (r * 5 + c));
            }
        }
        Path png = dir.resolve("ramp.png");
        ImageIO.write(img, "png", png.toFile());
        Tensor t = GreyImages.tiles(png, 2);
        assertArrayEquals(new int[] {4, 4}, t.shape(), "2 x 2 tiles of a 4 x 5 image, the last column unused");
        double[] expected = {0, 10, 50, 60, 20, 30, 70, 80, 100, 110, 150, 160, 120, 130, 170, 180};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i] / 255, t.data()[i], 1e-12, "pixel " + i);
        }
    }

    @Test
    void binaryAndPlainPgmWithCommentsAndSixteenBitValues() throws IOException {
        Path plain = dir.resolve("a.pgm");
        Files.writeString(plain, "P2\n# a comment\n2 2\n# another\n4\n0 1\n2 4\n");
        assertArrayEquals(new double[] {0, 0.25, 0.5, 1}, GreyImages.tiles(plain, 2).data(), 1e-15);
        Path binary = dir.resolve("b.pgm");
        byte[] header = "P5 2 1 65535\n".getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[header.length + 4];
        System.arraycopy(header, 0, file, 0, header.length);
        file[header.length] = (byte) 0xff;
        file[header.length + 1] = (byte) 0xff;
        file[header.length + 3] = (byte) 0x01;
        Files.write(binary, file);
        assertArrayEquals(new double[] {1, 1.0 / 65535}, GreyImages.tiles(binary, 1).data(), 1e-15,
                "two 1 x 1 tiles, two bytes per pixel, most significant first");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.copy(plain, folder.resolve("x.pgm"));
        Files.writeString(folder.resolve("notes.txt"), "ignored");
        assertEquals(4, GreyImages.tiles(folder, 1).dim(0), "the folder's image files only");
    }

    @Test
    void whatCannotBeReadIsNamedInOneLine() throws IOException {
        Path missing = dir.resolve("missing.png");
        assertMessage("cannot read the images " + missing + ": no such file or folder", missing);
        Path text = dir.resolve("text.png");
        Files.writeString(text, "hello");
        assertMessage("cannot read the image " + text + ": not a PNG, JPEG, GIF, BMP or PGM image", text);
        Path cut = dir.resolve("cut.pgm");
        Files.writeString(cut, "P2 2 2 255 1 2 3");
        assertMessage("cannot read the image " + cut + ": malformed PGM, it ends before the pixel", cut);
        Path big = dir.resolve("big.pgm");
        Files.writeString(big, "P2 1 1 10 11");
        assertMessage("cannot read the image " + big + ": malformed PGM, pixel 0 is 11, above the maximum value 10",
                big);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertMessage("the image folder " + empty + " has no .png, .jpg, .jpeg, .gif, .bmp or .pgm file", empty);
    }

    private static void assertMessage(String expected, Path path) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> GreyImages.tiles(path, 1))
                .getMessage());
    }
}
