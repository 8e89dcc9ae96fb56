package io.ringtrain.jobs.augment.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringtrain.jobs.augment.Compose;
import io.ringtrain.jobs.augment.OneOf;
import io.ringtrain.jobs.augment.RandomApply;
import io.ringtrain.jobs.augment.RandomOrder;
import io.ringtrain.jobs.augment.Transform;
import io.ringtrain.jobs.augment.boxes.BoxFilter;
import io.ringtrain.jobs.augment.boxes.BoxFormat;
import io.ringtrain.jobs.augment.geometric.HorizontalFlip;
import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.Jitter;
import io.ringtrain.jobs.augment.geometric.RandomCrop;
import io.ringtrain.jobs.augment.geometric.RandomResizedCrop;
import io.ringtrain.jobs.augment.geometric.Resize;
import io.ringtrain.jobs.augment.geometric.Rotate;
import io.ringtrain.jobs.augment.geometric.Translate;
import io.ringtrain.jobs.augment.geometric.VerticalFlip;
import io.ringtrain.jobs.augment.pixel.ColorAdjust;
import io.ringtrain.jobs.augment.pixel.ColorJitter;
import io.ringtrain.jobs.augment.pixel.Equalize;
import io.ringtrain.jobs.augment.pixel.GaussianBlur;
import io.ringtrain.jobs.augment.pixel.GaussianNoise;
import io.ringtrain.jobs.augment.pixel.GrayWorldWhiteBalance;
import io.ringtrain.jobs.augment.pixel.Normalize;
import io.ringtrain.jobs.augment.pixel.SaltAndPepper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A pipeline configured as text (YAML, or JSON, which YAML reads too): either a list of transforms,
 * or an object with {@code transforms} and optionally {@code boxes}:
 * <pre>
 * boxes: {format: coco, min_visibility: 0.3, min_area: 16, visibility: cumulative}
 * transforms:
 *   - {type: random_resized_crop, size: 224, scale: [0.08, 1.0]}
 *   - {type: horizontal_flip}                      # p defaults to 0.5 for flips
 *   - {type: color_jitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8}
 *   - {type: one_of, transforms: [{type: gaussian_blur, sigma: [0.1, 2]}, {type: gaussian_noise, sigma: 8}]}
 * </pre>
 * {@code normalize} is for previews and library use only: a training job's spec must not contain it
 * ({@link #parseForTraining}), as the job normalises every split itself.
 * Every item takes {@code p}: the probability that it is applied (0.5 for horizontal_flip,
 * vertical_flip and random_apply, as in torchvision; 1 for the others). Sizes are
 * {@code size: n} (square) or {@code width}/{@code height}. A range is [min, max] or one number v: ±v
 * around the neutral value (degrees=10 → [−10, 10]; brightness=0.4 → [0.6, 1.4]). Unknown types,
 * unknown keys and invalid values fail with a {@link SpecException} naming the item and parameter.
 */
public record AugmentSpec(Transform<?> pipeline, BoxFormat boxFormat, BoxFilter boxFilter) {
    private static final Map<String, Function<SpecArgs, Transform<?>>> FACTORIES = new TreeMap<>();

    static {
        FACTORIES.put("horizontal_flip", a -> new HorizontalFlip());
        FACTORIES.put("vertical_flip", a -> new VerticalFlip());
        FACTORIES.put("rotate", a -> {
            double[] deg = a.range("degrees", null, 0, Double.NEGATIVE_INFINITY);
            if (deg == null) {
                throw a.error("degrees", "is required (one number d for [-d, d], or [min, max])");
            }
            return new Rotate(deg[0], deg[1], interpolation(a, Interpolation.NEAREST), a.bool("expand", false), (float) a.number("fill", 0));
        });
        FACTORIES.put("random_crop", a -> {
            int[] wh = size(a);
            return new RandomCrop(wh[0], wh[1]);
        });
        FACTORIES.put("random_resized_crop", a -> {
            int[] wh = size(a);
            double[] scale = a.range("scale", new double[] {0.08, 1.0}, 1, 0);
            double[] ratio = a.range("ratio", new double[] {3.0 / 4.0, 4.0 / 3.0}, 1, 0);
            return new RandomResizedCrop(wh[0], wh[1], scale[0], scale[1], ratio[0], ratio[1], interpolation(a, Interpolation.BILINEAR));
        });
        FACTORIES.put("resize", a -> {
            Interpolation interp = interpolation(a, Interpolation.BILINEAR);
            if (a.has("shorter_side")) {
                return Resize.shorterSide(a.integer("shorter_side", 0), interp);
            }
            int[] wh = size(a);
            return Resize.to(wh[0], wh[1], interp);
        });
        FACTORIES.put("translate", a -> {
            double[] max = fractions(a, "max", new double[] {0.1, 0.1});
            return new Translate(max[0], max[1], (float) a.number("fill", 0));
        });
        FACTORIES.put("jitter", a -> {
            double[] deg = a.range("degrees", new double[] {-10, 10}, 0, Double.NEGATIVE_INFINITY);
            double[] translate = fractions(a, "translate", new double[] {0.05, 0.05});
            double[] scale = a.range("scale", new double[] {0.9, 1.1}, 1, 0);
            double[] shear = a.numbers("shear", new double[] {-5, 5});
            double[] shearX;
            double[] shearY = {0, 0};
            if (shear.length == 1) {
                shearX = new double[] {-Math.abs(shear[0]), Math.abs(shear[0])};
            } else if (shear.length == 2 || shear.length == 4) {
                shearX = new double[] {shear[0], shear[1]};
                if (shear.length == 4) {
                    shearY = new double[] {shear[2], shear[3]};
                }
            } else {
                throw a.error("shear", "must be one number s (x shear in [-s, s]), [xmin, xmax] or [xmin, xmax, ymin, ymax]");
            }
            return new Jitter(deg, translate[0], translate[1], scale, shearX, shearY, interpolation(a, Interpolation.BILINEAR), (float) a.number("fill", 0));
        });
        FACTORIES.put("salt_and_pepper", a -> new SaltAndPepper(a.number("amount", 0.01), a.number("salt_ratio", 0.5)));
        FACTORIES.put("gaussian_noise", a -> {
            double[] sigma = a.numbers("sigma", new double[] {10});
            if (sigma.length == 1) {
                sigma = new double[] {sigma[0], sigma[0]};
            }
            if (sigma.length != 2) {
                throw a.error("sigma", "must be one number or [min, max] (grey levels)");
            }
            return new GaussianNoise(a.number("mean", 0), sigma[0], sigma[1], a.bool("clip", true));
        });
        FACTORIES.put("gaussian_blur", a -> {
            double[] sigma = a.numbers("sigma", new double[] {0.1, 2.0});
            if (sigma.length == 1) {
                sigma = new double[] {sigma[0], sigma[0]};
            }
            if (sigma.length != 2) {
                throw a.error("sigma", "must be one number or [min, max]");
            }
            return new GaussianBlur(a.integer("kernel_size", 0), sigma[0], sigma[1]);
        });
        for (ColorAdjust.Kind kind : ColorAdjust.Kind.values()) {
            boolean hue = kind == ColorAdjust.Kind.HUE;
            FACTORIES.put(kind.specName(), a -> {
                double[] r = a.range("factor", null, hue ? 0 : 1, hue ? -0.5 : 0);
                if (r == null) {
                    throw a.error("factor", "is required (one number v for ±v around " + (hue ? "0" : "1") + ", or [min, max])");
                }
                return new ColorAdjust(kind, r[0], r[1]);
            });
        }
        FACTORIES.put("color_jitter", a -> new ColorJitter(a.number("brightness", 0), a.number("contrast", 0),
                a.number("saturation", 0), a.number("hue", 0)));
        FACTORIES.put("hsv_jitter", a -> new io.ringtrain.jobs.augment.pixel.HsvJitter(a.number("hue", 20), a.number("saturation", 0.2), a.number("value", 0.2)));
        FACTORIES.put("equalize", a -> {
            String mode = a.string("mode", "per_channel");
            return switch (mode) {
                case "per_channel" -> new Equalize(Equalize.Mode.PER_CHANNEL);
                case "luminance" -> new Equalize(Equalize.Mode.LUMINANCE);
                default -> throw a.error("mode", "must be per_channel or luminance, got '" + mode + "'");
            };
        });
        FACTORIES.put("gray_world", a -> new GrayWorldWhiteBalance());
        FACTORIES.put("normalize", a -> {
            if (!a.has("mean") || !a.has("std")) {
                throw a.error(a.has("mean") ? "std" : "mean", "is required (one value or one per channel, on the 0..1 scale)");
            }
            return new Normalize(a.numbers("mean", null), a.numbers("std", null));
        });
    }

    /** The transform names a spec accepts (besides compose, one_of, random_order and random_apply). */
    public static List<String> transformNames() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** A spec for any use (augment-preview, tests); {@code normalize} is allowed. */
    public static AugmentSpec parse(String text) {
        return parse(text, false);
    }

    /**
     * A spec for a training job, which rejects {@code normalize} anywhere in it: the job owns
     * normalisation (its {@code mean}/{@code std}, given or computed) and applies it to training,
     * test and prediction data alike and saves it with the model. A normalize step would be applied
     * a second time, and to training data only, which silently ruins the model.
     */
    public static AugmentSpec parseForTraining(String text) {
        return parse(text, true);
    }

    private static AugmentSpec parse(String text, boolean forTraining) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            throw new SpecException("augmentation spec is not valid YAML/JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) {
            throw new SpecException("augmentation spec is empty: give a list of transforms");
        }
        JsonNode list = root;
        BoxFormat format = BoxFormat.PASCAL_VOC;
        BoxFilter filter = BoxFilter.KEEP_VISIBLE;
        if (root.isObject()) {
            SpecArgs top = new SpecArgs("augmentation spec", "top level", root);
            top.has("boxes");
            list = top.raw("transforms");
            top.rejectUnknownKeys(); // first, so that a misspelt 'transforms' is reported as such
            if (list == null) {
                throw top.error("transforms", "is required (a list of transforms)");
            }
            if (top.has("boxes")) {
                JsonNode b = top.raw("boxes");
                SpecArgs boxes = new SpecArgs("augmentation spec", "boxes", b);
                try {
                    format = BoxFormat.parse(boxes.string("format", "pascal_voc"));
                    String mode = boxes.string("visibility", "cumulative");
                    BoxFilter.Mode m = switch (mode) {
                        case "cumulative" -> BoxFilter.Mode.CUMULATIVE;
                        case "per_step" -> BoxFilter.Mode.PER_STEP;
                        default -> throw boxes.error("visibility", "must be cumulative or per_step, got '" + mode + "'");
                    };
                    filter = new BoxFilter(boxes.number("min_visibility", 0), boxes.number("min_area", 0), m);
                } catch (SpecException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new SpecException("augmentation spec, boxes: " + e.getMessage(), e);
                }
                boxes.rejectUnknownKeys();
            }
        }
        if (!list.isArray()) {
            throw new SpecException("augmentation spec: expected a list of transforms, got " + list.getNodeType());
        }
        return new AugmentSpec(new Compose(transforms(list, "transforms", forTraining)), format, filter);
    }

    public static AugmentSpec read(Path file) throws IOException {
        try {
            return parse(Files.readString(file));
        } catch (SpecException e) {
            throw new SpecException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<Transform<?>> transforms(JsonNode list, String path, boolean forTraining) {
        List<Transform<?>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(item(list.get(i), path + "[" + i + "]", forTraining));
        }
        return out;
    }

    private static Transform<?> item(JsonNode node, String where, boolean forTraining) {
        if (!node.isObject() || !node.has("type") || !node.get("type").isTextual()) {
            throw new SpecException(where + ": each transform must be an object with a 'type', got " + node);
        }
        String type = node.get("type").asText();
        if (forTraining && type.equals("normalize")) {
            throw new SpecException("augmentation spec, " + where + " (normalize): the training job normalises training, test and prediction data itself;"
                    + " remove this step and set the job's mean and std instead (config keys 'mean' and 'std', per channel on the 0..1 scale)");
        }
        SpecArgs a = new SpecArgs(where, type, node);
        // flips and random_apply default to p = 0.5, as in torchvision; everything else to 1
        boolean halfByDefault = type.equals("horizontal_flip") || type.equals("vertical_flip") || type.equals("random_apply");
        double p = a.number("p", halfByDefault ? 0.5 : 1.0);
        if (!(p >= 0 && p <= 1)) {
            throw a.error("p", "must be in [0, 1], got " + p);
        }
        Transform<?> t;
        try {
            t = switch (type) {
                case "compose", "random_apply" -> new Compose(transforms(list(a), where + ".transforms", forTraining));
                case "random_order" -> new RandomOrder(transforms(list(a), where + ".transforms", forTraining));
                case "one_of" -> new OneOf(transforms(list(a), where + ".transforms", forTraining), a.has("weights") ? a.numbers("weights", null) : null);
                default -> {
                    Function<SpecArgs, Transform<?>> factory = FACTORIES.get(type);
                    if (factory == null) {
                        throw new SpecException(where + ": unknown transform type '" + type + "'; known: compose, one_of, random_apply, random_order, "
                                + String.join(", ", FACTORIES.keySet()));
                    }
                    yield factory.apply(a);
                }
            };
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecException(where + " (" + type + "): " + e.getMessage(), e);
        }
        a.rejectUnknownKeys();
        return p < 1 ? new RandomApply(t, p) : t;
    }

    private static JsonNode list(SpecArgs a) {
        a.list("transforms");
        return a.raw("transforms");
    }

    private static int[] size(SpecArgs a) {
        if (a.has("size")) {
            int s = a.integer("size", 0);
            return new int[] {s, s};
        }
        if (!a.has("width") || !a.has("height")) {
            throw a.error("size", "is required: size: n for n×n, or width: and height:");
        }
        return new int[] {a.integer("width", 0), a.integer("height", 0)};
    }

    private static double[] fractions(SpecArgs a, String key, double[] defaultValue) {
        double[] v = a.numbers(key, defaultValue);
        if (v.length == 1) {
            return new double[] {v[0], v[0]};
        }
        if (v.length != 2) {
            throw a.error(key, "must be one fraction or [fraction_x, fraction_y]");
        }
        return v;
    }

    private static Interpolation interpolation(SpecArgs a, Interpolation defaultValue) {
        String name = a.string("interpolation", null);
        if (name == null) {
            return defaultValue;
        }
        try {
            return Interpolation.parse(name);
        } catch (IllegalArgumentException e) {
            throw a.error("interpolation", "must be nearest or bilinear, got '" + name + "'");
        }
    }
}
