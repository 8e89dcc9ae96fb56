package io.ringtrain.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/**
 * Classification metrics of a model on a dataset, from the merged {@link ConfusionCounts}
 * (C = counts[actual][predicted], n = ΣC):
 * accuracy = trace(C) / n; for class k, precision = C[k][k] / Σ_a C[a][k] (of the samples predicted
 * k), recall = C[k][k] / Σ_p C[k][p] (of the samples labelled k), F1 = 2·P·R / (P + R); a ratio whose
 * denominator is 0 is reported as 0 (scikit-learn's zero_division=0). Mean loss = summed loss / n,
 * the loss being cross-entropy or the user's loss the model was trained with ({@link #lossName()}). Macro averages weigh every class equally. Classes are indices, shown with the
 * model's class names when it stores them.
 */
public final class Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long[][] confusion;
    private final long count;
    private final double meanLoss;
    private final String lossName;
    private final String model;
    private final String data;
    private final float[] mean;
    private final float[] std;
    private final String normalizationSource;
    private final List<String> classNames;

    public Evaluation(ConfusionCounts counts, String model, String data, float[] mean, float[] std, String normalizationSource) {
        this(counts, model, data, mean, std, normalizationSource, null);
    }

    /** {@code classNames}: the model's, entry k naming class k; null when it stores none (classes are shown as indices). */
    public Evaluation(ConfusionCounts counts, String model, String data, float[] mean, float[] std, String normalizationSource,
                      List<String> classNames) {
        this.confusion = counts.matrix();
        this.count = counts.count();
        if (count == 0) throw new IllegalArgumentException("the evaluation data " + data + " is empty: no sample to compute metrics from");
        this.meanLoss = counts.lossSum() / count;
        this.lossName = counts.lossName();
        this.model = model;
        this.data = data;
        this.mean = mean;
        this.std = std;
        this.normalizationSource = normalizationSource;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** Class k's name, or k itself when the model stores no name for it. */
    public String className(int k) {
        return classNames != null && k < classNames.size() ? classNames.get(k) : Integer.toString(k);
    }

    public int classes() {
        return confusion.length;
    }

    public long count() {
        return count;
    }

    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int a = 0; a < confusion.length; a++) copy[a] = confusion[a].clone();
        return copy;
    }

    public double accuracy() {
        long trace = 0;
        for (int k = 0; k < confusion.length; k++) trace += confusion[k][k];
        return (double) trace / count;
    }

    public double meanLoss() {
        return meanLoss;
    }

    /** What {@link #meanLoss()} measures: {@link ConfusionCounts#CROSS_ENTROPY} or the user's loss class. */
    public String lossName() {
        return lossName;
    }

    /** Samples labelled k. */
    public long support(int k) {
        return Arrays.stream(confusion[k]).sum();
    }

    /** Samples predicted k. */
    public long predicted(int k) {
        long n = 0;
        for (long[] row : confusion) n += row[k];
        return n;
    }

    public double precision(int k) {
        long p = predicted(k);
        return p == 0 ? 0 : (double) confusion[k][k] / p;
    }

    public double recall(int k) {
        long s = support(k);
        return s == 0 ? 0 : (double) confusion[k][k] / s;
    }

    public double f1(int k) {
        double p = precision(k), r = recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroF1() {
        double sum = 0;
        for (int k = 0; k < classes(); k++) sum += f1(k);
        return sum / classes();
    }

    public String model() {
        return model;
    }

    public String data() {
        return data;
    }

    /** evaluation.json: the totals, one entry per class and the confusion matrix (rows = actual). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("data", data);
        root.put("count", count);
        root.put("accuracy", accuracy());
        root.put("mean_loss", meanLoss);
        root.put("loss", lossName);
        root.put("macro_f1", macroF1());
        if (classNames != null) {
            ArrayNode names = root.putArray("class_names");
            classNames.forEach(names::add);
        }
        ArrayNode perClass = root.putArray("classes");
        for (int k = 0; k < classes(); k++) {
            ObjectNode c = perClass.addObject().put("class", k);
            if (classNames != null) c.put("name", className(k));
            c.put("precision", precision(k)).put("recall", recall(k)).put("f1", f1(k))
                    .put("support", support(k)).put("predicted", predicted(k));
        }
        ArrayNode matrix = root.putArray("confusion_matrix");
        for (long[] row : confusion) {
            ArrayNode r = matrix.addArray();
            for (long c : row) r.add(c);
        }
        ObjectNode norm = root.putObject("normalization");
        ArrayNode m = norm.putArray("mean"), s = norm.putArray("std");
        if (mean != null) for (float v : mean) m.add(v);
        if (std != null) for (float v : std) s.add(v);
        norm.put("source", normalizationSource);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
