package io.ringtrain.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A labelled data set held in memory: {@code size} samples of shape {@code sampleShape}
 * (features row-major, sample after sample) and one integer label each.
 */
public final class ArrayDataset {
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleSize;

    public ArrayDataset(float[] features, int[] labels, int... sampleShape) {
        int per = 1;
        for (int d : sampleShape) per *= d;
        if (per == 0 || features.length != (long) per * labels.length) {
            throw new IllegalArgumentException("ArrayDataset: " + features.length + " feature values do not make " + labels.length
                    + " samples of shape " + Arrays.toString(sampleShape));
        }
        this.features = features;
        this.labels = labels;
        this.sampleShape = sampleShape.clone();
        this.sampleSize = per;
    }

    /**
     * Images and labels from a pair of IDX files, pixels scaled to [0, 1] (value/255), each image
     * of shape [1, rows, cols]. The counts must agree.
     */
    public static ArrayDataset fromIdx(Path images, Path labels) throws IOException {
        IdxReader.IdxArray img = IdxReader.readImages(images);
        int[] lab = IdxReader.readLabels(labels);
        if (img.count() != lab.length) {
            throw new IOException(images + " holds " + img.count() + " images but " + labels + " holds " + lab.length + " labels");
        }
        float[] x = new float[img.values().length];
        byte[] v = img.values();
        for (int i = 0; i < x.length; i++) x[i] = (v[i] & 0xff) / 255f;
        return new ArrayDataset(x, lab, 1, img.dims()[1], img.dims()[2]);
    }

    /**
     * The four Fashion-MNIST/MNIST files in {@code folder} ({@code train-images-idx3-ubyte[.gz]},
     * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-...}): returns {train, test}.
     */
    public static ArrayDataset[] fromIdxFolder(Path folder) throws IOException {
        return new ArrayDataset[] {
            fromIdx(find(folder, "train-images-idx3-ubyte"), find(folder, "train-labels-idx1-ubyte")),
            fromIdx(find(folder, "t10k-images-idx3-ubyte"), find(folder, "t10k-labels-idx1-ubyte"))
        };
    }

    private static Path find(Path folder, String stem) throws IOException {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("no " + stem + "(.gz) in " + folder.toAbsolutePath() + ": expected the four (Fashion-)MNIST IDX files there");
    }

    public int size() {
        return labels.length;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int sampleSize() {
        return sampleSize;
    }

    /** Backing feature array (row-major, sample after sample); not a copy. */
    public float[] features() {
        return features;
    }

    public int[] labels() {
        return labels;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Mean and (population) standard deviation over every feature value of every sample. */
    public float[] meanStd() {
        double sum = 0, sq = 0;
        for (float v : features) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / features.length;
        return new float[] {(float) mean, (float) Math.sqrt(Math.max(sq / features.length - mean * mean, 0))};
    }

    /** A new data set with every feature mapped to (v − mean)/std. */
    public ArrayDataset normalized(float mean, float std) {
        float[] x = new float[features.length];
        float inv = 1f / std;
        for (int i = 0; i < x.length; i++) x[i] = (features[i] - mean) * inv;
        return new ArrayDataset(x, labels, sampleShape);
    }

    /** The first {@code n} samples (a view-free copy), e.g. for a quick run. */
    public ArrayDataset head(int n) {
        int k = Math.min(n, size());
        return new ArrayDataset(Arrays.copyOf(features, k * sampleSize), Arrays.copyOf(labels, k), sampleShape);
    }
}
