package io.ringtrain.jobs.evaluate;

import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.predict.BatchInference;
import io.ringtrain.jobs.train.LossFunction;
import io.ringtrain.jobs.train.UserLossObjective;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Evaluates a saved model over a stream of labelled records (one Spark partition, or any list):
 * forward in eval mode in batches of {@code batchSize}, each sample's label, prediction and logits
 * added to a {@link ConfusionCounts}. The loss is the one the model was trained with: the user's
 * loss its provenance records (through the training's own {@link UserLossObjective}), else
 * cross-entropy. No Spark here.
 */
public final class RecordEvaluator {
    private RecordEvaluator() {}

    public static ConfusionCounts evaluate(Iterator<ImageRecord> records, SavedModel model, int batchSize) {
        String trainedLoss = model.provenance().training().lossFunction();
        UserLossObjective loss = trainedLoss == null ? null : new UserLossObjective(LossFunction.decode(trainedLoss));
        BatchInference inference = new BatchInference(model);
        ConfusionCounts counts = loss == null ? new ConfusionCounts(inference.classes()) : new ConfusionCounts(inference.classes(), loss.lossName());
        List<ImageRecord> batch = new ArrayList<>(batchSize);
        while (records.hasNext()) {
            batch.add(records.next());
            if (batch.size() == batchSize || !records.hasNext()) {
                BatchInference.Outputs out = inference.run(batch, loss);
                for (int i = 0; i < out.size(); i++) counts.add(batch.get(i).label(), out.logits(), i * out.classes(), out.predictions()[i]);
                if (loss != null) counts.addLoss(out.lossSum());
                batch.clear();
            }
        }
        return counts;
    }
}
