package io.ringtrain.jobs.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.ObjectBoxes;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes our jobs ship between driver and executors with Spark's Kryo
 * (spark.kryo.registrator). Records get an explicit serializer: Kryo 4's field serializer cannot
 * construct Java records.
 */
public final class RingtrainKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ImageRecord.class, new ImageRecordSerializer());
        kryo.register(TrainJobConfig.class);
        kryo.register(float[].class);
        kryo.register(int[].class);
        kryo.register(byte[].class);
    }

    /** id, label, height, width, channels, encoded, pixels (length-prefixed), source (nullable), objects (count, −1 for none). */
    static final class ImageRecordSerializer extends Serializer<ImageRecord> {
        @Override
        public void write(Kryo kryo, Output out, ImageRecord r) {
            out.writeLong(r.id());
            out.writeInt(r.label());
            out.writeInt(r.height());
            out.writeInt(r.width());
            out.writeInt(r.channels());
            out.writeBoolean(r.encoded());
            out.writeInt(r.pixels().length, true);
            out.writeBytes(r.pixels());
            out.writeString(r.source());
            ObjectBoxes objects = r.objects();
            out.writeInt(objects == null ? -1 : objects.count());
            if (objects != null) {
                out.writeFloats(objects.corners());
                out.writeInts(objects.labels());
                for (boolean b : objects.ignore()) out.writeBoolean(b);
            }
        }

        @Override
        public ImageRecord read(Kryo kryo, Input in, Class<ImageRecord> type) {
            long id = in.readLong();
            int label = in.readInt(), height = in.readInt(), width = in.readInt(), channels = in.readInt();
            boolean encoded = in.readBoolean();
            byte[] pixels = in.readBytes(in.readInt(true));
            String source = in.readString();
            int objectCount = in.readInt();
            ObjectBoxes objects = null;
            if (objectCount >= 0) {
                float[] corners = in.readFloats(4 * objectCount);
                int[] labels = in.readInts(objectCount);
                boolean[] ignore = new boolean[objectCount];
                for (int i = 0; i < objectCount; i++) ignore[i] = in.readBoolean();
                objects = new ObjectBoxes(corners, labels, ignore);
            }
            return new ImageRecord(id, label, height, width, channels, encoded, pixels, source, objects);
        }
    }
}
