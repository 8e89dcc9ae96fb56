package io.ringtrain.jobs.augment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Compose;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.OneOf;
import io.ringtrain.jobs.augment.RandomApply;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.boxes.BoxFilter;
import io.ringtrain.jobs.augment.boxes.BoxFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentSpecTest {
    private static final String YAML = """
            boxes: {format: coco, min_visibility: 0.3, min_area: 16, visibility: per_step}
            transforms:
              - {type: random_resized_crop, size: 32, scale: [0.5, 1.0]}
              - {type: horizontal_flip}
              - {type: color_jitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8}
              - type: one_of
                transforms:
                  - {type: gaussian_blur, sigma: [0.1, 2]}
                  - {type: gaussian_noise, sigma: 8}
              - {type: normalize, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
            """;

    @Test
    void yamlSpecBuildsThePipelineAndBoxSettings() {
        AugmentSpec spec = AugmentSpec.parse(YAML);
        assertEquals(BoxFormat.COCO, spec.boxFormat());
        assertEquals(new BoxFilter(0.3, 16, BoxFilter.Mode.PER_STEP), spec.boxFilter());
        Compose pipeline = assertInstanceOf(Compose.class, spec.pipeline());
        assertEquals(5, pipeline.transforms().size());
        RandomApply flip = assertInstanceOf(RandomApply.class, pipeline.transforms().get(1));
        assertEquals(0.5, flip.p(), "flips default to p = 0.5");
        assertEquals(0.8, assertInstanceOf(RandomApply.class, pipeline.transforms().get(2)).p());
        assertInstanceOf(OneOf.class, pipeline.transforms().get(3));
        Sample out = spec.pipeline().apply(Sample.of(Image.filled(3, 50, 40, 128)), new SplittableRandom(1));
        assertEquals(new ImageSize(32, 32), out.size());
    }

    @Test
    void jsonListIsASpecToo() {
        AugmentSpec spec = AugmentSpec.parse("[{\"type\": \"rotate\", \"degrees\": 10, \"expand\": true}, {\"type\": \"equalize\", \"mode\": \"luminance\"}]");
        assertEquals(2, ((Compose) spec.pipeline()).transforms().size());
        assertEquals(BoxFormat.PASCAL_VOC, spec.boxFormat());
    }

    @Test
    void everyNamedTransformBuildsWithItsDefaultsWhereItHasThem() {
        for (String name : AugmentSpec.transformNames()) {
            String extra = switch (name) {
                case "random_crop", "random_resized_crop", "resize" -> ", size: 8";
                case "rotate" -> ", degrees: 5";
                case "brightness", "contrast", "saturation" -> ", factor: 0.2";
                case "hue" -> ", factor: 0.1";
                case "normalize" -> ", mean: 0.5, std: 0.25";
                default -> "";
            };
            AugmentSpec spec = AugmentSpec.parse("- {type: " + name + extra + ", p: 1}");
            Sample out = spec.pipeline().apply(Sample.of(Image.filled(3, 12, 10, 90)), new SplittableRandom(4));
            assertTrue(out.image().width() > 0, name);
        }
    }

    private static String error(String spec) {
        return assertThrows(SpecException.class, () -> AugmentSpec.parse(spec)).getMessage();
    }

    @Test
    void unknownKeyIsNamedWithItsTransformAndTheKnownKeys() {
        String msg = error("- {type: gaussian_blur, sigmaa: 1}");
        assertTrue(msg.contains("transforms[0]") && msg.contains("gaussian_blur") && msg.contains("'sigmaa'") && msg.contains("sigma"), msg);
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        String msg = error("- {type: random_erase}");
        assertTrue(msg.contains("'random_erase'") && msg.contains("random_resized_crop"), msg);
    }

    @Test
    void negativeSigmaNamesTransformAndParameter() {
        String msg = error("- {type: gaussian_blur, sigma: -1}");
        assertTrue(msg.contains("gaussian_blur") && msg.contains("sigma") && msg.contains("-1"), msg);
    }

    @Test
    void evenKernelSizeIsRejected() {
        String msg = error("- {type: gaussian_blur, sigma: 1, kernel_size: 4}");
        assertTrue(msg.contains("gaussian_blur") && msg.contains("kernel_size"), msg);
    }

    @Test
    void nestedErrorsSayWhereTheyAre() {
        String msg = error("- {type: one_of, transforms: [{type: hflip}, {type: brightness, factor: [1.5, 0.5]}]}");
        assertTrue(msg.contains("transforms[0].transforms[0]") && msg.contains("hflip"), msg);
        msg = error("- {type: one_of, transforms: [{type: brightness, factor: [1.5, 0.5]}]}");
        assertTrue(msg.contains("transforms[0].transforms[0]") && msg.contains("brightness") && msg.contains("factor"), msg);
    }

    @Test
    void aTrainingSpecRejectsNormalizeAtAnyDepthNamingTheStepAndTheSettingToUse() {
        String top = "- {type: horizontal_flip}\n- {type: normalize, mean: [0.5], std: [0.25]}";
        String msg = assertThrows(SpecException.class, () -> AugmentSpec.parseForTraining(top)).getMessage();
        assertTrue(msg.contains("transforms[1] (normalize)") && msg.contains("set the job's mean and std instead"), msg);

        String nested = "- {type: one_of, transforms: [{type: horizontal_flip}, {type: normalize, mean: 0.5, std: 0.25}]}";
        msg = assertThrows(SpecException.class, () -> AugmentSpec.parseForTraining(nested)).getMessage();
        assertTrue(msg.contains("transforms[0].transforms[1] (normalize)"), msg);
    }

    @Test
    void normalizeStaysAvailableOutsideTraining() {
        AugmentSpec spec = AugmentSpec.parse("- {type: normalize, mean: [0.5], std: [0.25]}");
        assertTrue(spec.pipeline() != null);
        AugmentSpec.parseForTraining("- {type: horizontal_flip}\n- {type: brightness, factor: 0.2}");
    }

    @Test
    void cropLargerThanTheImageFailsWhenDrawnNamingTheTransformAndSize() {
        AugmentSpec spec = AugmentSpec.parse("- {type: random_crop, width: 64, height: 16}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec.pipeline().apply(Sample.of(Image.filled(1, 32, 32, 0)), new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("random_crop") && e.getMessage().contains("64x16") && e.getMessage().contains("32x32"), e.getMessage());
    }

    @Test
    void badValuesNameTheParameter() {
        assertTrue(error("- {type: rotate}").contains("'degrees' is required"));
        assertTrue(error("- {type: rotate, degrees: 5, interpolation: cubic}").contains("'interpolation'"));
        assertTrue(error("- {type: salt_and_pepper, amount: 2}").contains("amount"));
        assertTrue(error("- {type: normalize, mean: [0.5, 0.5, 0.5], std: [0.2, 0, 0.2]}").contains("std[1]"));
        assertTrue(error("- {type: horizontal_flip, p: 1.5}").contains("'p'"));
        assertTrue(error("- {type: random_resized_crop, size: 8, scale: [0, 1]}").contains("scale"));
        assertTrue(error("- {type: jitter, scale: [0, 1]}").contains("scale"));
        assertTrue(error("- {type: resize, size: 8.5}").contains("'size' must be an integer"));
        assertTrue(error("boxes: {format: xywh}\ntransforms: []").contains("xywh"));
        assertTrue(error("boxes: {min_visibility: 2}\ntransforms: []").contains("min_visibility"));
        assertTrue(error("transform: []").contains("'transform'"));
        assertTrue(error("- {type: brightness, factor: 0.2").contains("not valid YAML/JSON"));
    }
}
