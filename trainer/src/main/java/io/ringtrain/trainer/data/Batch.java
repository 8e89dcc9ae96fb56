package io.ringtrain.trainer.data;

import io.ringtrain.engine.Tensor;

/**
 * One rank's share of a step: inputs [n, ...sampleShape], targets [n, ...targetShape] ([n] for
 * scalar targets), n possibly 0 on a short last step.
 */
public record Batch(Tensor inputs, Tensor targets, int size) {
    public static Batch gather(Samples samples, int[] indices, int epoch) {
        int[] sampleShape = samples.sampleShape(), targetShape = samples.targetShape();
        int per = numel(sampleShape), perTarget = numel(targetShape);
        float[] x = new float[indices.length * per];
        float[] y = new float[indices.length * perTarget];
        for (int i = 0; i < indices.length; i++) {
            samples.copySample(indices[i], epoch, x, i * per);
            samples.copyTarget(indices[i], y, i * perTarget);
        }
        return new Batch(Tensor.of(x, batched(indices.length, sampleShape)), Tensor.of(y, batched(indices.length, targetShape)), indices.length);
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private static int[] batched(int n, int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = n;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
