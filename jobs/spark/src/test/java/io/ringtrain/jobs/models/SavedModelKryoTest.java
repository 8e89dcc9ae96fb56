package io.ringtrain.jobs.models;

import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.predict.BatchInference;
import io.ringtrain.jobs.testing.TestModels;
import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Evaluate and predict broadcast a SavedModel: executors read it back through Spark's Kryo serializer with our registrator. */
class SavedModelKryoTest {
    @Test
    void aBroadcastModelPredictsExactlyAsTheDriversCopy() {
        SavedModel model = TestModels.untrainedMlp();
        SerializerInstance kryo = new KryoSerializer(new SparkConf().set("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())).newInstance();
        ClassTag<SavedModel> tag = ClassTag$.MODULE$.apply(SavedModel.class);

        ByteBuffer wire = kryo.serialize(model, tag);
        SavedModel back = kryo.deserialize(wire, tag);

        assertEquals(model.name(), back.name());
        assertArrayEquals(model.inputShape(), back.inputShape());
        assertArrayEquals(model.mean(), back.mean());
        assertArrayEquals(model.std(), back.std());
        List<ImageRecord> images = TestModels.randomImages(9, 3);
        assertArrayEquals(new BatchInference(model).run(images).logits(), new BatchInference(back).run(images).logits(), "bit for bit");
    }
}
