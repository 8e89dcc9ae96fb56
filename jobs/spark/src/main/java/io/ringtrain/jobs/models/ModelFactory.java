package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Module;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * A user's model for the Java API and the Spark ML estimator: builds a fresh model for images of
 * {@code inputShape} [channels, height, width] and {@code numClasses} classes, giving logits
 * [N, numClasses]. Serialisable, so a constructor reference ({@code MyNet::new}) or a lambda ships to
 * the executors and is saved with the model; its class (and any class it captures) must be on the
 * classpath where the model is trained or reloaded.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Module create(int[] inputShape, int numClasses);

    /** The factory as Java serialisation in Base64: what a config, an ML param and a saved model hold. */
    static String encode(ModelFactory factory) {
        return UserObjects.encode(factory, "model factory " + describe(factory));
    }

    /** The factory {@link #encode} wrote; a class missing here is named, with the jar to add. */
    static ModelFactory decode(String encoded, String label) {
        return UserObjects.decode(encoded, ModelFactory.class, "model factory " + label);
    }

    /** {@code com.acme.MyNet::new} for a constructor reference, {@code com.acme.App::lambda$main$0} for a lambda, else the class name. */
    static String describe(ModelFactory factory) {
        try {
            Method writeReplace = factory.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            if (writeReplace.invoke(factory) instanceof SerializedLambda lambda) {
                String method = lambda.getImplMethodName().equals("<init>") ? "new" : lambda.getImplMethodName();
                return lambda.getImplClass().replace('/', '.') + "::" + method;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a serialisable lambda: its class names it
        }
        return factory.getClass().getName();
    }

    /** Resolves classes through the thread's context class loader, which on Spark executors holds the --jars. */
    final class ContextClassLoaderInput extends ObjectInputStream {
        public ContextClassLoaderInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context == null) return super.resolveClass(desc);
            try {
                return Class.forName(desc.getName(), false, context);
            } catch (ClassNotFoundException e) {
                if (desc.getName().indexOf('.') < 0) return super.resolveClass(desc); // int, long, ...: no loader knows them by name
                throw e;
            }
        }
    }
}
