package io.ringtrain.jobs.models;

import java.lang.reflect.Modifier;

/**
 * The one way a class the user names on the command line ({@code --model-class}, {@code --loss-class})
 * is loaded: through the thread's context class loader, which on Spark executors and under
 * {@code spark-submit} holds the jars passed with {@code --jars}, and checked to be a public,
 * concrete {@code type}. Every failure is one line naming the class and the caller's contract.
 */
public final class UserClasses {
    private UserClasses() {}

    /**
     * {@code className} as a public, concrete subclass of {@code type}; {@code role} names it in
     * messages ("model class", "loss class") and {@code contract} says what it must be.
     */
    public static <T> Class<? extends T> load(String className, Class<T> type, String role, String contract) {
        Class<?> raw;
        try {
            raw = Class.forName(className, true, classLoader());
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new IllegalArgumentException(role + " " + className + " is not on the classpath: add the jar that holds it (spark-submit --jars, "
                    + "or the classpath); it must be " + contract, e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException(role + " " + className + " cannot be loaded (" + e + "); it must be " + contract, e);
        }
        if (!type.isAssignableFrom(raw)) {
            throw new IllegalArgumentException(role + " " + className + " is not " + (type.isInterface() ? "an implementation of " : "a subclass of ")
                    + type.getName() + "; it must be " + contract);
        }
        if (Modifier.isAbstract(raw.getModifiers()) || raw.isInterface() || !Modifier.isPublic(raw.getModifiers())) {
            throw new IllegalArgumentException(role + " " + className + " is abstract or not public; it must be " + contract);
        }
        return raw.asSubclass(type);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : UserClasses.class.getClassLoader();
    }
}
