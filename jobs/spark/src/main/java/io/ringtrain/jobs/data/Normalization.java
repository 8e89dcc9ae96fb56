package io.ringtrain.jobs.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * Per-channel mean and standard deviation of [0, 1] pixel values over a training set, computed in
 * the executors (records are decoded there): mean = Σv/n, std = √(Σv²/n − mean²), in float64.
 */
public final class Normalization {
    private Normalization() {}

    /** Returns {mean[channels], std[channels]}. */
    public static float[][] compute(Dataset<Row> records, int channels) {
        List<double[]> partials = records.toJavaRDD().mapPartitions(rows -> {
            double[] acc = new double[2 * channels + 1];
            while (rows.hasNext()) {
                var image = RecordSamples.decode(DatasetColumns.toRecord(rows.next()), channels);
                float[] v = image.data();
                int plane = image.width() * image.height();
                for (int c = 0; c < channels; c++) {
                    for (int i = c * plane; i < (c + 1) * plane; i++) {
                        double x = v[i] / 255.0;
                        acc[c] += x;
                        acc[channels + c] += x * x;
                    }
                }
                acc[2 * channels] += plane;
            }
            return List.of(acc).iterator();
        }).collect();
        double[] total = new double[2 * channels + 1];
        for (double[] p : partials) for (int i = 0; i < total.length; i++) total[i] += p[i];
        if (total[2 * channels] == 0) throw new IllegalArgumentException("the training data is empty: no image to compute the normalisation from");
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = total[c] / total[2 * channels];
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(total[channels + c] / total[2 * channels] - m * m, 1e-12));
        }
        return new float[][] {mean, std};
    }
}
