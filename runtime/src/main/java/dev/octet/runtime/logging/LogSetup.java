package dev.octet.runtime.logging;

import java.util.logging.Handler;
import java.util.logging.Logger;

/** Puts {@link LineFormatter} on the JDK logging's console handler, unless the user configured logging. */
public final class LogSetup {
    private LogSetup() {
    }

    /**
     * Installs the one-line format for this process. Does nothing when {@code java.util.logging.config.file} or
     * {@code java.util.logging.config.class} is set: a user's logging configuration wins.
     */
    public static void install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LineFormatter formatter = LineFormatter.forThisProcess();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(formatter);
        }
    }
}
