package io.ringtrain.jobs.train;

import io.ringtrain.jobs.models.UserClasses;

import java.lang.reflect.InvocationTargetException;

/**
 * A user's loss class, named on the command line ({@code --loss-class com.acme.MyLoss}) and loaded
 * like a model class ({@link UserClasses}: the classpath or {@code spark-submit --jars}). The
 * contract: a public, concrete class implementing {@link LossFunction} with a public no-argument
 * constructor. The driver builds one instance, which travels to the replicas serialised, as a Java
 * API loss does.
 */
public final class UserLossClass {
    /** The contract in one phrase, for messages. */
    public static final String CONTRACT = "a public class implementing " + LossFunction.class.getName() + " with a public no-argument constructor";

    private UserLossClass() {}

    /** A new instance of {@code className}; fails naming the class and the contract. */
    public static LossFunction instantiate(String className) {
        Class<? extends LossFunction> type = UserClasses.load(className, LossFunction.class, "loss class", CONTRACT);
        try {
            return type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("loss class " + className + " has no public no-argument constructor; it must be " + CONTRACT);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("loss class " + className + ": its constructor () failed with " + cause + "; it must be " + CONTRACT, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("loss class " + className + " cannot be instantiated (" + e + "); it must be " + CONTRACT, e);
        }
    }
}
