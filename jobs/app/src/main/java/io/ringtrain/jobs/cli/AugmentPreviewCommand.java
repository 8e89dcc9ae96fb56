package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.augment.spec.AugmentSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ringtrain augment-preview}: the command-line face of {@link AugmentPreview}. */
@Command(name = "augment-preview", mixinStandardHelpOptions = true,
        description = "Writes a PNG grid: N samples (rows) × the original and K augmentations (epochs 0..K-1), with boxes drawn.")
public final class AugmentPreviewCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Fashion-MNIST/MNIST IDX images file (.gz), a COCO instances JSON, a Pascal VOC folder or a folder of PNG/JPEG images")
    Path data;

    @Option(names = "--augment", description = "augmentation spec file (YAML or JSON; train's --augment also takes the spec text); default: a showcase pipeline for small grey images")
    Path augment;

    /** The flag's old name, kept so scripts still run. */
    @Option(names = "--spec", hidden = true)
    Path oldSpec;

    @Option(names = "--out", required = true, description = "PNG file to write")
    Path out;

    @Option(names = "--samples", defaultValue = "6", description = "rows (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--augmentations", defaultValue = "8", description = "augmented columns (default ${DEFAULT-VALUE})")
    int augmentations;

    @Option(names = "--seed", defaultValue = "0", description = "job seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cell", defaultValue = "96", description = "cell size in pixels (default ${DEFAULT-VALUE})")
    int cell;

    @Override
    public Integer call() throws Exception {
        if (augment != null && oldSpec != null) throw new IllegalArgumentException("--spec is the old name of --augment: pass only --augment");
        Path spec = augment != null ? augment : oldSpec;
        AugmentSpec pipeline = spec == null ? AugmentSpec.parse(AugmentPreview.DEFAULT_SPEC) : AugmentSpec.read(spec);
        AugmentPreview.write(data, pipeline, samples, augmentations, seed, cell, out);
        System.out.println("wrote " + out);
        return 0;
    }

    public static void main(String[] args) {
        String[] command = new String[args.length + 1];
        command[0] = "augment-preview";
        System.arraycopy(args, 0, command, 1, args.length);
        System.exit(RingtrainCli.execute(command));
    }
}
