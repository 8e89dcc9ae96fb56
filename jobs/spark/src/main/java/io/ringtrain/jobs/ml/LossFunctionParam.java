package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.train.LossFunction;
import org.apache.spark.ml.param.Params;

/** A Spark ML param holding the user's {@link LossFunction} ({@link UserObjectParam}). */
final class LossFunctionParam extends UserObjectParam<LossFunction> {
    LossFunctionParam(Params parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    String encode(LossFunction value) {
        return LossFunction.encode(value);
    }

    @Override
    LossFunction decode(String encoded) {
        return LossFunction.decode(encoded);
    }
}
