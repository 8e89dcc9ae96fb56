package io.ringtrain.jobs.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A Spark ML param holding a user's serialisable object (a model factory, a loss function), saved
 * with ML persistence as a JSON string of the object's Base64 Java serialisation; loading fails
 * naming any class the object needs that is not on the classpath. Subclasses say how their type is
 * encoded and decoded.
 */
abstract class UserObjectParam<T> extends Param<T> {
    private static final ObjectMapper JSON = new ObjectMapper();

    UserObjectParam(Params parent, String name, String doc) {
        super(parent, name, doc);
    }

    /** The value as Base64 Java serialisation. */
    abstract String encode(T value);

    /** The value {@link #encode} wrote; a missing class is named. */
    abstract T decode(String encoded);

    @Override
    public String jsonEncode(T value) {
        try {
            return JSON.writeValueAsString(encode(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public T jsonDecode(String json) {
        try {
            return decode(JSON.readValue(json, String.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("param " + name() + " is not a JSON string: " + e.getOriginalMessage(), e);
        }
    }
}
