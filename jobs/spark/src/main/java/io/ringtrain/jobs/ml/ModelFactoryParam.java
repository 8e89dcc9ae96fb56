package io.ringtrain.jobs.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.models.ModelFactory;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A Spark ML param holding a {@link ModelFactory}, saved with ML persistence as a JSON string of its
 * {@link ModelFactory#encode encoding}; loading fails naming any class the factory needs that is
 * not on the classpath.
 */
final class ModelFactoryParam extends Param<ModelFactory> {
    private static final ObjectMapper JSON = new ObjectMapper();

    ModelFactoryParam(Params parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    public String jsonEncode(ModelFactory value) {
        try {
            return JSON.writeValueAsString(ModelFactory.encode(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ModelFactory jsonDecode(String json) {
        try {
            return ModelFactory.decode(JSON.readValue(json, String.class), "param " + name());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("param " + name() + " is not a JSON string: " + e.getOriginalMessage(), e);
        }
    }
}
