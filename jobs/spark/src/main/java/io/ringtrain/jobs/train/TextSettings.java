package io.ringtrain.jobs.train;

import java.io.Serializable;

/**
 * The settings only text models read (formats text and text-pairs): window length, model size and
 * the sample generated after training. Part of {@link TrainJobConfig#text}; config files and flags
 * name them as before, without a prefix ({@code seqLen: 128}, {@code --seq-len 128}).
 */
public final class TextSettings implements Serializable {
    /** text: characters per training window (input; the target is the window shifted by one); text-pairs: padded length. */
    public int seqLen = 64;
    /** text: characters between window starts; 0 means seqLen (windows that do not overlap). */
    public int stride = 0;
    /** Share of the text (characters, or lines for text-pairs) at its end kept for validation when there is no testData. */
    public double validationFraction = 0.1;
    /** Embedding/hidden size (LSTM hidden units, Transformer d_model). */
    public int hiddenSize = 256;
    public int numLayers = 2;
    /** Attention heads of the Transformer models; must divide hiddenSize. */
    public int numHeads = 4;
    /** Language models: characters generated after training (printed and written to sample.txt); 0 for none. */
    public int sampleLength = 300;
    /** Sampling temperature: 0 is greedy (arg-max), 1 the model's distribution. */
    public double temperature = 0.8;
    /** Text the generated sample continues; a newline when null (or the vocabulary's first character if it has no newline). */
    public String prompt;

    /** text: the stride windows start at (seqLen when 0). */
    public int windowStride() {
        return stride > 0 ? stride : seqLen;
    }

    /** Fails naming the first bad setting; checked only when the job trains on text. */
    void validate() {
        TrainJobConfig.require(seqLen >= 1, "seqLen", seqLen, "≥ 1");
        TrainJobConfig.require(stride >= 0, "stride", stride, "≥ 0 (0: seqLen)");
        TrainJobConfig.require(validationFraction > 0 && validationFraction < 1, "validationFraction", validationFraction, "in (0, 1)");
        TrainJobConfig.require(hiddenSize >= 1 && numLayers >= 1, "hiddenSize/numLayers", hiddenSize + "/" + numLayers, "≥ 1");
        TrainJobConfig.require(numHeads >= 1 && hiddenSize % numHeads == 0, "numHeads", numHeads, "≥ 1 and dividing hiddenSize " + hiddenSize);
        TrainJobConfig.require(sampleLength >= 0, "sampleLength", sampleLength, "≥ 0");
        TrainJobConfig.require(Double.isFinite(temperature) && temperature >= 0, "temperature", temperature, "a finite number ≥ 0 (0: greedy)");
    }
}
