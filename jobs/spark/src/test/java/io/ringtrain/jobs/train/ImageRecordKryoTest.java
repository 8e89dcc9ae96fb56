package io.ringtrain.jobs.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.ObjectBoxes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Records cross the wire through our Kryo serializer, boxes included. */
class ImageRecordKryoTest {
    private static ImageRecord roundTrip(ImageRecord r) {
        Kryo kryo = new Kryo();
        new RingtrainKryoRegistrator().registerClasses(kryo);
        Output out = new Output(1024, -1);
        kryo.writeObject(out, r);
        return kryo.readObject(new Input(out.toBytes()), ImageRecord.class);
    }

    @Test
    void boxesSurviveAndRecordsWithoutBoxesStayWithout() {
        ObjectBoxes objects = new ObjectBoxes(new float[] {1, 2, 3, 4, 0.5f, 0, 9, 8}, new int[] {7, 2}, new boolean[] {false, true});
        ImageRecord back = roundTrip(new ImageRecord(5, 7, 40, 48, 0, true, new byte[] {1, 2, 3}, "a.jpg", objects));
        assertArrayEquals(objects.corners(), back.objects().corners());
        assertArrayEquals(objects.labels(), back.objects().labels());
        assertArrayEquals(objects.ignore(), back.objects().ignore());
        assertEquals("a.jpg", back.source());
        assertNull(roundTrip(new ImageRecord(6, 1, 2, 2, 1, false, new byte[4], null)).objects());
    }
}
