package io.ringtrain.allreduce.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Models {@code ringtrain-plan} knows by name: their parameter count (float32 gradients, 4 bytes
 * each) and the compute time of one replica's step as measured on this project's machine, without
 * communication. {@code --step-ms} replaces the time with the user's own.
 */
public enum KnownModel {
  /** docs/trainer.md, dp-step: W = 1, batch 64, one core. */
  FMNIST_CNN("fmnist-cnn", 421_834, 39.8, "measured: dp-step W = 1, batch 64, one core"),
  /** docs/engine.md, resnet-step: 3×224×224, batch 16, two threads, median of three runs (8.77 samples/s). */
  RESNET18("resnet18", 11_689_512, 1824, "measured: resnet-step 224×224, batch 16, two threads"),
  /** Not measured: ResNet-18's step scaled by the two networks' forward FLOPs (4.1 / 1.8 G). */
  RESNET50("resnet50", 25_557_032, 4200, "estimated: ResNet-18's step × 2.3, the ratio of their FLOPs");

  private final String cliName;
  private final long parameters;
  private final double stepMillis;
  private final String stepSource;

  KnownModel(String cliName, long parameters, double stepMillis, String stepSource) {
    this.cliName = cliName;
    this.parameters = parameters;
    this.stepMillis = stepMillis;
    this.stepSource = stepSource;
  }

  public String cliName() { return cliName; }
  public long parameters() { return parameters; }
  public double stepMillis() { return stepMillis; }
  public String stepSource() { return stepSource; }

  public static KnownModel byName(String name) {
    for (KnownModel m : values()) {
      if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) return m;
    }
    throw new IllegalArgumentException("--model '" + name + "' is not known: use one of " + names() + ", or --params N --step-ms T");
  }

  public static String names() {
    return Arrays.stream(values()).map(KnownModel::cliName).collect(Collectors.joining(", "));
  }
}
