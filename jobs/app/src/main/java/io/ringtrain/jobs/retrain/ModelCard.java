package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtrain.jobs.models.ModelProvenance;
import io.ringtrain.jobs.run.RunReport;
import io.ringtrain.jobs.train.TrainJobConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A version's model card: what was trained on which data, how it scored against the champion on
 * the holdout and on the newest partition, the decision and the provenance. Markdown for reading
 * in a repository browser; HTML with the training curves (loss per step, holdout accuracy per epoch).
 * What the model is and how it was trained comes from its {@link ModelProvenance} (the weights'
 * own record); the optimiser settings, which the provenance does not hold, from the training config.
 */
final class ModelCard {
    private ModelCard() {}

    static String markdown(JsonNode version, JsonNode metrics, JsonNode data, ModelProvenance model, TrainJobConfig train) {
        StringBuilder md = new StringBuilder();
        String label = model.recipe().label();
        ModelProvenance.ImageInput input = model.image() != null ? model.image() : new ModelProvenance.ImageInput(null, null, null, null, null);
        md.append("# Model ").append(version.path("version").asText()).append(" (").append(label).append(")\n\n");
        md.append("Decision at registration: **").append(metrics.path("decision").asText()).append("** — ")
                .append(metrics.path("reason").asText()).append("\n\n");
        JsonNode champion = metrics.path("champion");
        String championName = champion.path("version").isTextual() ? champion.path("version").asText() : "none";
        md.append("| metric | this model | champion (").append(championName).append(") |\n|---|---|---|\n");
        row(md, "holdout accuracy", metrics.path("holdout").path("accuracy"), champion.path("holdout").path("accuracy"));
        row(md, "holdout mean cross-entropy", metrics.path("holdout").path("loss"), champion.path("holdout").path("loss"));
        row(md, "newest partition (" + metrics.path("newest_partition").path("date").asText() + ") accuracy",
                metrics.path("newest_partition").path("accuracy"), champion.path("newest_partition").path("accuracy"));
        md.append("\nPromotion rule: accuracy(candidate) − accuracy(champion) > margin = ").append(metrics.path("margin").asText())
                .append(" on the holdout. The newest partition is part of this model's training data, and unseen by the champion.\n\n");
        md.append("## Data\n\n- dataset: `").append(data.path("dataset").asText()).append("`\n")
                .append("- partitions: ").append(data.path("first").asText()).append(" … ").append(data.path("last").asText())
                .append(" (").append(data.path("partitions").size()).append(": ").append(join(data.path("partitions"))).append(")\n")
                .append("- training rows: ").append(data.path("train_rows").asLong()).append("\n")
                .append("- holdout: `").append(data.path("holdout").asText()).append("` (").append(data.path("holdout_rows").asLong()).append(" rows)\n\n");
        md.append("## Training\n\n- model: ").append(label).append(", input ").append(Arrays.toString(input.inputShape()))
                .append(", ").append(input.numClasses()).append(" classes\n")
                .append("- start: ").append(version.path("warm_start_from").isTextual() ? "warm start from " + version.path("warm_start_from").asText() : "from scratch").append("\n")
                .append("- ").append(model.training().epochs()).append(" epoch(s), ").append(model.training().replicas()).append(" replicas × batch ")
                .append(train.batchSize).append(", ").append(train.optimization.optimizer).append(" lr ").append(train.optimization.lr)
                .append(", seed ").append(model.training().seed()).append("\n")
                .append("- normalisation: mean ").append(Arrays.toString(input.mean())).append(", std ").append(Arrays.toString(input.std())).append("\n\n");
        md.append("## Provenance\n\n- code version: ").append(model.codeVersion()).append("\n")
                .append("- created: ").append(version.path("created").asText()).append("\n")
                .append("- run: `").append(version.path("run_folder").asText()).append("` (key ").append(version.path("run_key").asText()).append(")\n\n")
                .append("Training curves: model-card.html.\n");
        return md.toString();
    }

    static String html(String title, String markdown, List<String> metricsLines, String summaryJson) {
        String report = RunReport.html(title, metricsLines, summaryJson);
        String card = "<pre style=\"white-space:pre-wrap\">" + markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre>";
        int at = report.indexOf("</h1>");
        return at < 0 ? report : report.substring(0, at + 5) + card + report.substring(at + 5);
    }

    private static void row(StringBuilder md, String name, JsonNode ours, JsonNode champion) {
        md.append("| ").append(name).append(" | ").append(number(ours)).append(" | ").append(number(champion)).append(" |\n");
    }

    private static String number(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "—";
    }

    private static String join(JsonNode array) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : array) sb.append(sb.length() == 0 ? "" : ", ").append(n.asText());
        return sb.toString();
    }
}
