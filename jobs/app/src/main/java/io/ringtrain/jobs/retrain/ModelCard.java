package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtrain.jobs.run.RunReport;

import java.util.List;
import java.util.Locale;

/**
 * A version's model card: what was trained on which data, how it scored against the champion on
 * the holdout and on the newest partition, the decision and the provenance. Markdown for reading
 * in a repository browser; HTML with the training curves (loss per step, holdout accuracy per epoch).
 */
final class ModelCard {
    private ModelCard() {}

    static String markdown(JsonNode version, JsonNode metrics, JsonNode data, JsonNode config) {
        StringBuilder md = new StringBuilder();
        md.append("# Model ").append(version.path("version").asText()).append(" (").append(config.path("model").asText()).append(")\n\n");
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
        md.append("## Training\n\n- model: ").append(config.path("model").asText()).append(", input ").append(config.path("inputShape"))
                .append(", ").append(config.path("numClasses").asInt()).append(" classes\n")
                .append("- start: ").append(version.path("warm_start_from").isTextual() ? "warm start from " + version.path("warm_start_from").asText() : "from scratch").append("\n")
                .append("- ").append(config.path("epochs").asInt()).append(" epoch(s), ").append(config.path("replicas").asInt()).append(" replicas × batch ")
                .append(config.path("batchSize").asInt()).append(", ").append(config.path("optimizer").asText()).append(" lr ").append(config.path("lr").asDouble())
                .append(", seed ").append(config.path("seed").asLong()).append("\n")
                .append("- normalisation: mean ").append(config.path("mean")).append(", std ").append(config.path("std")).append("\n\n");
        md.append("## Provenance\n\n- code version: ").append(version.path("code_version").asText()).append("\n")
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
