package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.TransformerEncoder;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

import java.util.List;

/**
 * A small Vision Transformer (Dosovitskiy et al. 2021): the image cut into non-overlapping p×p
 * patches, each embedded linearly, a learned class token in front, learned positions added, a
 * pre-LN Transformer encoder, and the class token's final state classified.
 * <pre>
 *   x [N, C, H, W] → patch_embed: Conv2d(C→d, kernel p, stride p)   → [N, d, H/p, W/p]
 *                  → flatten + transpose                            → [N, P, d]       (P = H·W/p²)
 *                  → cat(cls_token [1, 1, d] per image, ·)         → [N, P + 1, d]
 *                  → + pos_embed [1, P + 1, d]
 *                  → encoder: layers × pre-LN TransformerEncoderLayer(d, heads, ffn, GELU), final norm
 *                  → token 0 → head (d → classes)                   → logits [N, classes]
 * </pre>
 * A strided convolution is the same map as reshape + Linear over each flattened patch. Defaults
 * d = 64, 4 heads, FFN 128, 2 layers, no dropout. {@code cls_token} and {@code pos_embed} start
 * N(0, 0.02²) as in ViT/timm. Names {@code patch_embed.weight}, {@code cls_token}, {@code pos_embed},
 * {@code encoder.layers.0.self_attn.in_proj_weight}, {@code encoder.norm.weight}, {@code head.bias}: a
 * PyTorch module with {@code nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, ffn, 0,
 * "gelu", batch_first=True, norm_first=True), layers, norm=nn.LayerNorm(d))} has the same state dict.
 */
public class TransformerImageClassifier extends Module {
    /** Sizes of the encoder; {@link #DEFAULTS} is the zoo's model. */
    public record Config(int patchSize, int dModel, int heads, int feedForward, int layers, float dropout) {
        public static Config withPatch(int patchSize) {
            return new Config(patchSize, 64, 4, 128, 2, 0f);
        }
    }

    public static final int DEFAULT_MAX_PATCH = 7;

    private final int[] inputShape;
    private final int patchSize;
    private final Conv2d patchEmbed;
    private final Tensor clsToken;
    private final Tensor posEmbed;
    private final TransformerEncoder encoder;
    private final Linear head;

    /** The default sizes with the patch from {@link #defaultPatchSize}. */
    public TransformerImageClassifier(int[] inputShape, int numClasses) {
        this(inputShape, numClasses, Config.withPatch(defaultPatchSize(inputShape)));
    }

    /** Initialised from {@link io.ringtrain.engine.nn.Init}'s generator (seed it first for a reproducible model). */
    public TransformerImageClassifier(int[] inputShape, int numClasses, Config config) {
        checkShape(inputShape);
        int p = config.patchSize();
        if (p < 1 || inputShape[1] % p != 0 || inputShape[2] % p != 0) {
            throw new IllegalArgumentException("TransformerImageClassifier: patch size " + p + " does not divide the image " + inputShape[1] + "×"
                    + inputShape[2] + "; choose a patch size that divides both height and width, or resize the images");
        }
        if (numClasses < 1 || config.dModel() < 1 || config.heads() < 1 || config.dModel() % config.heads() != 0) {
            throw new IllegalArgumentException("TransformerImageClassifier(classes=" + numClasses + ", d_model=" + config.dModel() + ", heads="
                    + config.heads() + "): classes ≥ 1 and d_model a positive multiple of heads");
        }
        this.inputShape = inputShape.clone();
        this.patchSize = p;
        int d = config.dModel(), tokens = inputShape[1] / p * (inputShape[2] / p) + 1;
        patchEmbed = registerModule("patch_embed", new Conv2d(inputShape[0], d, p, p, 0));
        clsToken = registerParameter("cls_token", Init.normal(0.02f, 1, 1, d));
        posEmbed = registerParameter("pos_embed", Init.normal(0.02f, 1, tokens, d));
        encoder = registerModule("encoder", new TransformerEncoder(
                () -> new TransformerEncoderLayer(d, config.heads(), config.feedForward(), config.dropout(), FeedForwardActivation.GELU, 1e-5f, true, true),
                config.layers(), new LayerNorm(d)));
        head = registerModule("head", new Linear(d, numClasses));
    }

    /**
     * The patch side the zoo uses: the largest divisor of both height and width that is at most 7
     * (7 for 28×28, 16 tokens; 4 for 32×32, 64 tokens), so small images give 16–64 tokens.
     * Fails when only 1 divides both (each pixel a token: too long a sequence).
     */
    public static int defaultPatchSize(int[] inputShape) {
        checkShape(inputShape);
        for (int p = DEFAULT_MAX_PATCH; p >= 2; p--) {
            if (inputShape[1] % p == 0 && inputShape[2] % p == 0) return p;
        }
        throw new IllegalArgumentException("TransformerImageClassifier cuts images into square patches of side 2.." + DEFAULT_MAX_PATCH
                + " that divide both height and width; no such side divides " + inputShape[1] + "×" + inputShape[2]
                + "; resize the images (e.g. to 28×28 or 32×32)");
    }

    private static void checkShape(int[] inputShape) {
        if (inputShape == null || inputShape.length != 3 || inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
            throw new IllegalArgumentException("TransformerImageClassifier takes an input shape [channels, height, width] of positive sizes, got "
                    + (inputShape == null ? "null" : Shape.str(inputShape)));
        }
    }

    /** images [N, C, H, W] (the constructor's shape) → logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != inputShape[0] || s[2] != inputShape[1] || s[3] != inputShape[2]) {
            throw new IllegalArgumentException("TransformerImageClassifier expects images [N, " + inputShape[0] + ", " + inputShape[1] + ", "
                    + inputShape[2] + "], got shape " + Shape.str(s));
        }
        int n = s[0], d = clsToken.size(2);
        Tensor patches = patchEmbed.forward(images).flatten(2, 3).transpose(1, 2);   // [N, P, d]
        Tensor tokens = Tensor.cat(List.of(clsToken.expand(n, 1, d), patches), 1).add(posEmbed);
        Tensor encoded = encoder.forward(tokens);                                    // [N, P + 1, d]
        return head.forward(encoded.select(1, 0));
    }

    public int patchSize() {
        return patchSize;
    }
}
