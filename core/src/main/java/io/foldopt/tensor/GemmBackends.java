package io.foldopt.tensor;

import java.util.Iterator;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Chooses the {@link GemmBackend} once, at start-up (see {@link GemmBackend} for the rule). */
final class GemmBackends {
    /** The system property that forces a backend: {@code java} or {@code native}. */
    static final String PROPERTY = "foldopt.blas";

    private GemmBackends() {}

    static GemmBackend select() {
        String wanted = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("java")) {
            return GemmBackend.JAVA;
        }
        if (!wanted.isEmpty() && !wanted.equals("native")) {
            log(PROPERTY + "=" + wanted + " is neither java nor native; using the pure-Java kernels");
            return GemmBackend.JAVA;
        }
        Throwable[] failure = new Throwable[1];
        GemmBackend found = loadNative(failure);
        if (found != null) {
            return found;
        }
        if (failure[0] != null) {
            log("native BLAS unavailable (" + rootMessage(failure[0]) + "); using the pure-Java kernels");
        } else if (wanted.equals("native")) {
            log(PROPERTY + "=native but no native backend is on the class path; using the pure-Java kernels");
        }
        return GemmBackend.JAVA;
    }

    /**
     * @param failure receives the last loading error, if any
     * @return the first native backend declared through {@link ServiceLoader} that loads, or null
     */
    static GemmBackend loadNative(Throwable[] failure) {
        Iterator<GemmBackend> it = ServiceLoader.load(GemmBackend.class, GemmBackend.class.getClassLoader())
                .iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return null;
                }
                GemmBackend b = it.next();
                b.name();
                return b;
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                failure[0] = e;
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static void log(String message) {
        System.getLogger(Kernels.class.getName()).log(System.Logger.Level.WARNING, message);
    }
}
