package io.ringtrain.jobs.augment;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A 1- or 3-channel image held as planar float CHW: {@code data[c * height * width + y * width + x]}.
 *
 * <p>Values are grey levels on the 0..255 scale (a uint8 image converts without scaling), so that uint8
 * and float inputs share one set of kernels. Transforms that clamp (brightness, contrast, ...) clamp to
 * [0, 255]; this equals torchvision's float-tensor behaviour (clamp to [0, 1]) scaled by 255. Only
 * {@code Normalize} leaves that scale: it should be the last transform of a pipeline.
 *
 * <p>An image made from uint8 values ({@link #fromHwcBytes}, {@link #wrapChwUint8}) also keeps them as
 * uint8 CHW planes ({@link #uint8()}), and the float values are made from them on the first call to
 * {@link #data()}. Transforms that only move pixels (flips, crops, whole-pixel shifts with a grey-level
 * fill) copy those planes instead, a quarter of the bytes, and their result is a uint8 image again; the
 * values are the same either way.
 *
 * <p>Immutable by convention: the arrays are owned by the image and never written after construction, so
 * an image can be shared between threads. Kernels read {@link #data()} and {@link #uint8()} directly for
 * speed and must not write them.
 */
public final class Image {
    private final int channels;
    private final int width;
    private final int height;
    /** The values; for a uint8 image null until {@link #data()} first needs them (volatile: safe publication). */
    private volatile float[] data;
    /** The uint8 CHW planes, or null for an image whose values were float from the start. */
    private final byte[] uint8;

    private Image(int channels, int width, int height, float[] data) {
        this(channels, width, height, data, null);
    }

    private Image(int channels, int width, int height, float[] data, byte[] uint8) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image must have 1 or 3 channels, got " + channels);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        int length = data != null ? data.length : uint8.length;
        if (length != channels * width * height) {
            throw new IllegalArgumentException("image data has " + length + " values, expected channels*height*width = "
                    + channels + "*" + height + "*" + width);
        }
        this.channels = channels;
        this.width = width;
        this.height = height;
        this.data = data;
        this.uint8 = uint8;
    }

    /** Takes ownership of {@code chw} (planar, channel-major); the caller must not write it afterwards. */
    public static Image wrapChw(int channels, int width, int height, float[] chw) {
        return new Image(channels, width, height, chw);
    }

    /** A uint8 image that takes ownership of {@code chw} (planar, channel-major grey levels); the caller must not write it afterwards. */
    public static Image wrapChwUint8(int channels, int width, int height, byte[] chw) {
        return new Image(channels, width, height, null, chw);
    }

    public static Image fromChw(int channels, int width, int height, float[] chw) {
        return new Image(channels, width, height, chw.clone());
    }

    /** From interleaved uint8 HWC bytes (as decoded images and IDX files store them): a uint8 image. */
    public static Image fromHwcBytes(byte[] hwc, int width, int height, int channels) {
        int plane = width * height;
        byte[] chw = new byte[channels * plane];
        if (hwc.length != chw.length) {
            throw new IllegalArgumentException("HWC buffer has " + hwc.length + " bytes, expected " + chw.length);
        }
        if (channels == 1) {
            System.arraycopy(hwc, 0, chw, 0, plane);
        } else {
            for (int i = 0, j = 0; i < plane; i++, j += 3) {
                chw[i] = hwc[j];
                chw[plane + i] = hwc[j + 1];
                chw[2 * plane + i] = hwc[j + 2];
            }
        }
        return new Image(channels, width, height, null, chw);
    }

    /** A blank image filled with {@code value}. */
    public static Image filled(int channels, int width, int height, float value) {
        float[] chw = new float[channels * width * height];
        Arrays.fill(chw, value);
        return new Image(channels, width, height, chw);
    }

    public static Image fromBufferedImage(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] chw = new float[channels * plane];
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY) {
            // Greyscale PNGs decode to a linear-grey colour space, and getRGB would convert it to sRGB
            // (50 → 122): take the stored samples instead, scaled to 8 bits, copied to every channel.
            int shift = img.getType() == BufferedImage.TYPE_USHORT_GRAY ? 8 : 0;
            int[] grey = img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) chw[c * plane + i] = grey[i] >> shift;
            }
            return new Image(channels, w, h, chw);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            if (channels == 1) {
                chw[i] = Math.round(0.2989f * r + 0.587f * g + 0.114f * b); // same weights as rgb_to_grayscale
            } else {
                chw[i] = r;
                chw[plane + i] = g;
                chw[2 * plane + i] = b;
            }
        }
        return new Image(channels, w, h, chw);
    }

    /** Rounds to the nearest grey level and clamps to 0..255. */
    public byte[] toHwcBytes() {
        int plane = width * height;
        if (uint8 != null) {
            byte[] hwc = new byte[uint8.length];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    hwc[i * channels + c] = uint8[c * plane + i];
                }
            }
            return hwc;
        }
        float[] data = data();
        byte[] hwc = new byte[data.length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                hwc[i * channels + c] = (byte) toUint8(data[c * plane + i]);
            }
        }
        return hwc;
    }

    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = width * height;
        float[] data = data();
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = toUint8(data[i]);
            int g = channels == 3 ? toUint8(data[plane + i]) : r;
            int b = channels == 3 ? toUint8(data[2 * plane + i]) : r;
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        out.setRGB(0, 0, width, height, rgb, 0, width);
        return out;
    }

    static int toUint8(float v) {
        int r = Math.round(v);
        return r < 0 ? 0 : Math.min(r, 255);
    }

    public int channels() {
        return channels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public ImageSize size() {
        return new ImageSize(width, height);
    }

    /** The planar CHW values; read-only by contract. For a uint8 image they are made on the first call. */
    public float[] data() {
        float[] values = data;
        if (values == null) {
            values = new float[uint8.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = uint8[i] & 0xFF;
            }
            data = values; // a racing thread computes the same values; either array may be kept
        }
        return values;
    }

    /** The uint8 CHW planes (read-only by contract), or null when this image's values were float from the start. */
    public byte[] uint8() {
        return uint8;
    }

    public float get(int c, int y, int x) {
        int i = (c * height + y) * width + x;
        return uint8 != null ? uint8[i] & 0xFF : data[i];
    }

    @Override
    public String toString() {
        return "Image[" + channels + "x" + height + "x" + width + "]";
    }
}
