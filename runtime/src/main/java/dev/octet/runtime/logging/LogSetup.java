package dev.octet.runtime.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts {@link LineFormatter} on the JDK logging's console handler, and keeps the libraries' informational chatter
 * (Californium's endpoint life cycle, Pi4J's plugin discovery; both log through SLF4J into java.util.logging) at
 * warnings and above; unless the user configured logging.
 */
public final class LogSetup {
    /** Held here: the logging framework keeps loggers only weakly, and a collected logger forgets its level. */
    private static final Logger[] QUIETED = {Logger.getLogger("org.eclipse.californium"), Logger.getLogger("com.pi4j")};

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
        for (Logger library : QUIETED) {
            library.setLevel(Level.WARNING);
        }
        LineFormatter formatter = LineFormatter.forThisProcess();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(formatter);
        }
    }
}
