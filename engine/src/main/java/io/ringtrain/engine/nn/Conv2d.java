package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.Conv2dKernels;
import io.ringtrain.engine.functional.Conv2dOps;
import io.ringtrain.engine.functional.PoolKernels;

/**
 * 2-D convolution (cross-correlation, as PyTorch's {@code nn.Conv2d}):
 * <pre>
 *   y[n, o, i, j] = b[o] + Σ_{c ∈ group(o), p, q} W[o, c, p, q] · x[n, g·C/G + c, i·sh − ph + p·dh, j·sw − pw + q·dw]
 * </pre>
 * Input [N, C, H, W] → output [N, O, OH, OW] with OH = ⌊(H + 2·ph − dh·(kh−1) − 1)/sh⌋ + 1 (likewise OW).
 * Weight [O, C/G, kh, kw], bias [O]. Initialised as PyTorch: U(±1/√fanIn), fanIn = C/G·kh·kw.
 *
 * <p>Computed as im2col + GEMM ({@link Conv2dOps}, {@link Conv2dKernels}): each image's patches become a matrix
 * cols [C·kh·kw, OH·OW] and, per group, Y = W · cols. Backward keeps the input and builds the patch
 * matrices again; their scratch is borrowed per call and shared by every layer ({@link Conv2dKernels.Workspace}).
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, groups;
    private final Tensor weight;
    private final Tensor bias;
    private final SpareArray<float[]> output = SpareArray.floats();
    private boolean recycleOutput;

    /** Square kernel, stride 1, no padding, no dilation, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias) {
        this(inChannels, outChannels, new int[] {kernelSize, kernelSize}, new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {dilation, dilation}, groups, bias);
    }

    /** Kernel, stride, padding and dilation as (height, width) pairs. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d(in_channels=" + inChannels + ", out_channels=" + outChannels + ", groups=" + groups
                    + "): both channel counts must be divisible by groups");
        }
        if (kernelSize[0] < 1 || kernelSize[1] < 1 || stride[0] < 1 || stride[1] < 1 || padding[0] < 0 || padding[1] < 0
                || dilation[0] < 1 || dilation[1] < 1) {
            throw new IllegalArgumentException("Conv2d: kernel, stride and dilation must be ≥ 1 and padding ≥ 0, got kernel "
                    + Shape.str(kernelSize) + ", stride " + Shape.str(stride) + ", padding " + Shape.str(padding) + ", dilation " + Shape.str(dilation));
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelSize[0];
        this.kernelW = kernelSize[1];
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padH = padding[0];
        this.padW = padding[1];
        this.dilationH = dilation[0];
        this.dilationW = dilation[1];
        this.groups = groups;
        int fanIn = inChannels / groups * kernelH * kernelW;
        this.weight = registerParameter("weight", Init.uniformFanIn(fanIn, outChannels, inChannels / groups, kernelH, kernelW));
        this.bias = bias ? registerParameter("bias", Init.uniformFanIn(fanIn, outChannels)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length != 4 || s[1] != inChannels) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(s) + " does not match Conv2d(in_channels=" + inChannels
                    + "): expected [N, " + inChannels + ", H, W]" + (s.length == 4 ? ", the input has " + s[1] + " channels" : ""));
        }
        Conv2dKernels.Geometry geo = new Conv2dKernels.Geometry(s[0], inChannels, s[2], s[3], outChannels, kernelH, kernelW,
                strideH, strideW, padH, padW, dilationH, dilationW, groups);
        if (PoolKernels.outSize(s[2], kernelH, strideH, padH, dilationH) < 1 || PoolKernels.outSize(s[3], kernelW, strideW, padW, dilationW) < 1) {
            throw new IllegalArgumentException("input " + Shape.str(s) + " is smaller than Conv2d's kernel " + kernelH + "×" + kernelW
                    + " (dilation " + dilationH + "×" + dilationW + ", padding " + padH + "×" + padW + "): the output would be empty");
        }
        return Conv2dOps.conv2d(input, weight, bias, geo, recycleOutput ? output : null);
    }

    /**
     * Reuse the output array from step to step: a recorded forward's output is lent from a spare
     * that this layer's backward takes back ({@link SpareArray}). Only for a layer whose owner reads
     * its output in the same step and never keeps it (a model's inner layers): a kept output
     * would change under the caller at the next forward. Unrecorded forwards allocate as usual.
     */
    public Conv2d recycleOutput() {
        this.recycleOutput = true;
        return this;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernelH + ", " + kernelW + "), stride=(" + strideH + ", " + strideW
                + "), padding=(" + padH + ", " + padW + "), dilation=(" + dilationH + ", " + dilationW + "), groups=" + groups + ", bias=" + (bias != null);
    }
}
