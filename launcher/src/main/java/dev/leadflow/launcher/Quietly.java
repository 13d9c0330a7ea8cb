package dev.leadflow.launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * Runs start-up code whose libraries print to standard out (Kafka's storage formatter prints its
 * bootstrap metadata) with standard out silenced, so the user's console shows only what the
 * launcher says. Only for single-threaded start-up phases: standard out is process-wide.
 */
public final class Quietly {

    private Quietly() {}

    public static synchronized <T> T call(Callable<T> work) throws Exception {
        PrintStream original = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return work.call();
        } finally {
            System.setOut(original);
        }
    }
}
