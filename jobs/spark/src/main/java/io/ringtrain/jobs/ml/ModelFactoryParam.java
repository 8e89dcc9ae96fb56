package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.models.ModelFactory;
import org.apache.spark.ml.param.Params;

/** A Spark ML param holding a {@link ModelFactory} ({@link UserObjectParam}). */
final class ModelFactoryParam extends UserObjectParam<ModelFactory> {
    ModelFactoryParam(Params parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    String encode(ModelFactory value) {
        return ModelFactory.encode(value);
    }

    @Override
    ModelFactory decode(String encoded) {
        return ModelFactory.decode(encoded, "param " + name());
    }
}
