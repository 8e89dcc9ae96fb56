package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.data.ArrayDataset;
import io.ringtrain.engine.data.BatchIterator;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains {@link FmnistCnn} in this process on (Fashion-)MNIST IDX files and reports the test
 * accuracy — the recipe of issue 2: SGD lr 0.05, momentum 0.9, weight decay 5e-4, cosine decay
 * per step to 0 over the run, batch 64, inputs normalised by the training set's mean/std, no
 * augmentation, fixed seed.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes:... io.ringtrain.engine.models.TrainFmnist \
 *        [--epochs 3] [--batch 64] [--lr 0.05] [--seed 0] [--train-limit N] [--test-limit N] (FOLDER | TRAIN_IMAGES TRAIN_LABELS TEST_IMAGES TEST_LABELS)
 * </pre>
 * Prints progress lines (epoch, step, loss, samples/s, ETA) and ends with {@code test accuracy: XX.XX%}.
 */
public final class TrainFmnist {
    private TrainFmnist() {}

    /** The run's settings; {@link #recipe()} is issue 2's. */
    public record Options(int epochs, int batchSize, float lr, float momentum, float weightDecay, long seed, int logEvery) {
        public static Options recipe() {
            return new Options(3, 64, 0.05f, 0.9f, 5e-4f, 0L, 100);
        }

        public Options withEpochs(int e) {
            return new Options(e, batchSize, lr, momentum, weightDecay, seed, logEvery);
        }
    }

    /** What a run produced. */
    public record Result(FmnistCnn model, float testAccuracy, double trainSeconds, double samplesPerSecond, float lastLoss) {}

    public static void main(String[] args) throws IOException {
        Options o = Options.recipe();
        int trainLimit = Integer.MAX_VALUE, testLimit = Integer.MAX_VALUE;
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--epochs" -> o = new Options(Integer.parseInt(args[++i]), o.batchSize(), o.lr(), o.momentum(), o.weightDecay(), o.seed(), o.logEvery());
                case "--batch" -> o = new Options(o.epochs(), Integer.parseInt(args[++i]), o.lr(), o.momentum(), o.weightDecay(), o.seed(), o.logEvery());
                case "--lr" -> o = new Options(o.epochs(), o.batchSize(), Float.parseFloat(args[++i]), o.momentum(), o.weightDecay(), o.seed(), o.logEvery());
                case "--seed" -> o = new Options(o.epochs(), o.batchSize(), o.lr(), o.momentum(), o.weightDecay(), Long.parseLong(args[++i]), o.logEvery());
                case "--log-every" -> o = new Options(o.epochs(), o.batchSize(), o.lr(), o.momentum(), o.weightDecay(), o.seed(), Integer.parseInt(args[++i]));
                case "--train-limit" -> trainLimit = Integer.parseInt(args[++i]);
                case "--test-limit" -> testLimit = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: TrainFmnist [--epochs E] [--batch B] [--lr LR] [--seed S] [--log-every STEPS] [--train-limit N] [--test-limit N]"
                            + " (FOLDER | TRAIN_IMAGES TRAIN_LABELS TEST_IMAGES TEST_LABELS)");
                    return;
                }
                default -> {
                    if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a + "; see --help");
                    paths.add(Path.of(a));
                }
            }
        }
        ArrayDataset[] data = load(paths);
        ArrayDataset train = data[0].head(trainLimit), test = data[1].head(testLimit);
        Result r = train(train, test, o, System.out);
        System.out.printf(Locale.ROOT, "test accuracy: %.2f%%%n", 100.0 * r.testAccuracy());
    }

    /** A folder with the four standard file names, or the four files (named train-/t10k- images/labels, or in that order). */
    static ArrayDataset[] load(List<Path> paths) throws IOException {
        if (paths.size() == 1 && Files.isDirectory(paths.get(0))) return ArrayDataset.fromIdxFolder(paths.get(0));
        if (paths.size() != 4) {
            throw new IllegalArgumentException("give a folder with the four IDX files or the four files themselves "
                    + "(train images, train labels, test images, test labels); got " + paths);
        }
        Map<String, Path> byRole = new HashMap<>();
        for (Path p : paths) {
            String n = p.getFileName().toString();
            String role = (n.startsWith("train") ? "train" : n.startsWith("t10k") || n.startsWith("test") ? "test" : "?")
                    + (n.contains("images") ? "-images" : n.contains("labels") ? "-labels" : "?");
            byRole.put(role, p);
        }
        if (byRole.keySet().containsAll(List.of("train-images", "train-labels", "test-images", "test-labels"))) {
            return new ArrayDataset[] {
                ArrayDataset.fromIdx(byRole.get("train-images"), byRole.get("train-labels")),
                ArrayDataset.fromIdx(byRole.get("test-images"), byRole.get("test-labels"))};
        }
        return new ArrayDataset[] {ArrayDataset.fromIdx(paths.get(0), paths.get(1)), ArrayDataset.fromIdx(paths.get(2), paths.get(3))};
    }

    /**
     * Trains a fresh model (seeded with {@code o.seed()}) on {@code train}, normalising both sets
     * with the training set's mean/std, and evaluates on {@code test}; progress goes to {@code log}.
     */
    public static Result train(ArrayDataset train, ArrayDataset test, Options o, PrintStream log) {
        float[] ms = train.meanStd();
        ArrayDataset trainN = train.normalized(ms[0], ms[1]), testN = test.normalized(ms[0], ms[1]);
        Init.manualSeed(o.seed());
        FmnistCnn model = new FmnistCnn();
        int stepsPerEpoch = (trainN.size() + o.batchSize() - 1) / o.batchSize();
        long totalSteps = (long) stepsPerEpoch * o.epochs();
        Session session = new Session(model, o.lr(), o.momentum(), o.weightDecay(), totalSteps);
        log.printf(Locale.ROOT, "fmnist-cnn: %d parameters, %d train / %d test samples (mean %.4f, std %.4f), %d epochs × %d steps of %d, %d threads%n",
                model.parameterCount(), train.size(), test.size(), ms[0], ms[1], o.epochs(), stepsPerEpoch, o.batchSize(),
                io.ringtrain.engine.functional.Workers.threads());
        long start = System.nanoTime();
        long samples = 0;
        float loss = Float.NaN;
        double windowLoss = 0;
        int windowSteps = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            model.train();
            BatchIterator it = new BatchIterator(trainN, o.batchSize(), true, o.seed() * 1_000_003L + epoch, false);
            for (int step = 1; it.hasNext(); step++) {
                BatchIterator.Batch b = it.next();
                loss = session.step(b.inputs(), b.labels());
                samples += b.size();
                windowLoss += loss;
                windowSteps++;
                if (step % o.logEvery() == 0 || !it.hasNext()) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double rate = samples / elapsed;
                    double eta = (totalSteps - session.stepsTaken()) * (double) o.batchSize() / rate;
                    log.printf(Locale.ROOT, "epoch %d/%d step %d/%d loss %.4f samples/s %.0f ETA %s%n", epoch, o.epochs(), step, stepsPerEpoch,
                            windowLoss / windowSteps, rate, formatDuration(eta));
                    windowLoss = 0;
                    windowSteps = 0;
                }
            }
            float acc = accuracy(model, testN, 500);
            log.printf(Locale.ROOT, "epoch %d/%d done: test accuracy %.2f%% after %s%n", epoch, o.epochs(), 100.0 * acc,
                    formatDuration((System.nanoTime() - start) / 1e9));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        float acc = accuracy(model, testN, 500);
        return new Result(model, acc, seconds, samples / seconds, loss);
    }

    /** Fraction of samples whose arg-max logit is the label, in eval mode without recording gradients. */
    public static float accuracy(FmnistCnn model, ArrayDataset data, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        int correct = 0;
        try (var scope = GradMode.noGrad()) {
            BatchIterator it = new BatchIterator(data, batchSize, false, 0, false);
            while (it.hasNext()) {
                BatchIterator.Batch b = it.next();
                int[] pred = model.forward(b.inputs()).argmaxLastDim();
                for (int i = 0; i < pred.length; i++) if (pred[i] == b.labels()[i]) correct++;
            }
        } finally {
            model.train(wasTraining);
        }
        return data.size() == 0 ? Float.NaN : (float) correct / data.size();
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

    /**
     * One training step of the recipe: forward, cross-entropy, backward, then {@link SGD} (momentum,
     * weight decay) with the cosine-decayed learning rate lr_t = lr·(1 + cos(π·t/T))/2 for step t of T.
     */
    public static final class Session {
        private final FmnistCnn model;
        private final SGD optimizer;
        private final CosineAnnealingLR schedule;
        private final CrossEntropyLoss criterion = new CrossEntropyLoss();
        private long stepsTaken;

        public Session(FmnistCnn model, float lr, float momentum, float weightDecay, long totalSteps) {
            this.model = model;
            this.optimizer = new SGD(model.parameters(), lr).momentum(momentum).weightDecay(weightDecay);
            this.schedule = new CosineAnnealingLR(lr, totalSteps);
        }

        /** Runs one step on a batch and returns its (mean) loss. */
        public float step(Tensor inputs, int[] labels) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(inputs), labels);
            loss.backward();
            optimizer.setLr(schedule.lrAt(stepsTaken));
            optimizer.step();
            stepsTaken++;
            return loss.item();
        }

        public long stepsTaken() {
            return stepsTaken;
        }

        public FmnistCnn model() {
            return model;
        }
    }
}
