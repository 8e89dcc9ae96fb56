package io.ringtrain.trainer.data;

import io.ringtrain.engine.Tensor;

/** One rank's share of a step: inputs [n, ...], targets [n], n possibly 0 on a short last step. */
public record Batch(Tensor inputs, Tensor targets, int size) {
    public static Batch gather(Samples samples, int[] indices, int epoch) {
        int[] sampleShape = samples.sampleShape();
        int per = 1;
        for (int d : sampleShape) per *= d;
        float[] x = new float[indices.length * per];
        float[] y = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            samples.copySample(indices[i], epoch, x, i * per);
            y[i] = samples.target(indices[i]);
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = indices.length;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return new Batch(Tensor.of(x, shape), Tensor.of(y, indices.length), indices.length);
    }
}
