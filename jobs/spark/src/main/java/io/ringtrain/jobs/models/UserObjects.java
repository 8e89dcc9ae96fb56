package io.ringtrain.jobs.models;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Base64;

/**
 * A user's serialisable object (a {@link ModelFactory}, a loss function) as Java serialisation in
 * Base64, which configs, ML params and saved models carry to the executors, and back through the
 * context class loader (where {@code spark-submit --jars} puts the user's classes). Every error is
 * one line that names the object ({@code what}) and what to do.
 */
public final class UserObjects {
    private UserObjects() {}

    /** {@code value} in Base64 Java serialisation; a captured value that is not serialisable is named. */
    public static String encode(Object value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(what + " captures " + e.getMessage()
                    + ", which is not Serializable; capture only serialisable values (numbers, strings, arrays)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be serialised: " + e, e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** The {@code type} that {@link #encode} wrote; a class missing here is named, with the jar to add. */
    public static <T> T decode(String encoded, Class<T> type, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not Base64 Java serialisation: " + e.getMessage(), e);
        }
        try (ObjectInputStream in = new ModelFactory.ContextClassLoaderInput(new ByteArrayInputStream(bytes))) {
            return type.cast(in.readObject());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(what + " needs class " + e.getMessage()
                    + ", which is not on the classpath: add the jar that holds it (spark-submit --jars, or the classpath)", e);
        } catch (IOException | ClassCastException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " cannot be read back: " + e, e);
        }
    }
}
