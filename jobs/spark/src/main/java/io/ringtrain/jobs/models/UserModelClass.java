package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Module;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * A user's model class, named on the command line ({@code --model-class com.acme.MyNet}) and loaded
 * from the user's jar ({@code spark-submit --jars}, or the classpath). The contract, checked on the
 * driver before any Spark work and again wherever the class is loaded:
 * <ul>
 *   <li>a public, concrete subclass of {@link Module};</li>
 *   <li>a public constructor {@code (int[] inputShape, int numClasses)} (preferred: it is called with
 *       the job's input shape [channels, height, width] and class count), else a public
 *       no-argument constructor;</li>
 *   <li>{@code forward} maps a batch [N, channels, height, width] to logits [N, numClasses].</li>
 * </ul>
 * Classes are looked up as {@link UserClasses} looks up every class the user names.
 */
public final class UserModelClass {
    /** The contract in one phrase, for messages. */
    public static final String CONTRACT = "a public subclass of " + Module.class.getName()
            + " with a public constructor (int[] inputShape, int numClasses) or a public no-argument constructor";

    /** Which constructor builds the model; saved with the model so a reload calls the same one. */
    public enum Signature {
        SHAPE_AND_CLASSES("(int[] inputShape, int numClasses)"),
        NO_ARGUMENTS("()");

        private final String signature;

        Signature(String signature) {
            this.signature = signature;
        }

        public String signature() {
            return signature;
        }

        static Signature ofSignature(String signature, String className) {
            for (Signature c : values()) if (c.signature.equals(signature)) return c;
            throw new IllegalArgumentException("model class " + className + " was saved with the constructor '" + signature
                    + "', which is not one of " + SHAPE_AND_CLASSES.signature + " or " + NO_ARGUMENTS.signature);
        }
    }

    private final String className;
    private final Constructor<? extends Module> constructor;
    private final Signature kind;

    private UserModelClass(String className, Constructor<? extends Module> constructor, Signature kind) {
        this.className = className;
        this.constructor = constructor;
        this.kind = kind;
    }

    /** Loads {@code className} and picks its constructor by the contract; fails naming the class and the contract. */
    public static UserModelClass load(String className) {
        Class<? extends Module> type = UserClasses.load(className, Module.class, "model class", CONTRACT);
        try {
            return new UserModelClass(className, type.getConstructor(int[].class, int.class), Signature.SHAPE_AND_CLASSES);
        } catch (NoSuchMethodException noShapeConstructor) {
            try {
                return new UserModelClass(className, type.getConstructor(), Signature.NO_ARGUMENTS);
            } catch (NoSuchMethodException none) {
                throw new IllegalArgumentException("model class " + className + " has no public constructor (int[] inputShape, int numClasses) "
                        + "and no public no-argument constructor; it must be " + CONTRACT);
            }
        }
    }

    /** Loads {@code className} and checks that it still has the constructor a saved model was built with. */
    public static UserModelClass load(String className, String savedConstructor) {
        UserModelClass loaded = load(className);
        Signature wanted = Signature.ofSignature(savedConstructor, className);
        if (loaded.kind == wanted) return loaded;
        try {
            return new UserModelClass(className, wanted == Signature.NO_ARGUMENTS ? loaded.constructor.getDeclaringClass().getConstructor()
                    : loaded.constructor.getDeclaringClass().getConstructor(int[].class, int.class), wanted);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("model class " + className + " was saved built by its constructor " + wanted.signature
                    + ", which it no longer has; it must be " + CONTRACT);
        }
    }

    /** A new instance; the constructor's own failure is reported naming the class. */
    public Module instantiate(int[] inputShape, int numClasses) {
        try {
            return kind == Signature.SHAPE_AND_CLASSES ? constructor.newInstance(inputShape.clone(), numClasses) : constructor.newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("model class " + className + ": its constructor " + kind.signature + " failed with " + cause
                    + "; it must be " + CONTRACT, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("model class " + className + " cannot be instantiated (" + e + "); it must be " + CONTRACT, e);
        }
    }

    public String className() {
        return className;
    }

    public Signature signature() {
        return kind;
    }
}
