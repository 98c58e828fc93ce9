package dev.octet.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

/** Californium and Pi4J log through SLF4J; the binding hands their records to java.util.logging, in Octet's format. */
class LogSetupTest {
    @Test
    void libraryRecordsGoThroughJavaUtilLoggingAtWarningAndAbove() {
        LogSetup.install();
        assertEquals(Level.WARNING, Logger.getLogger("org.eclipse.californium").getLevel());
        assertEquals(Level.WARNING, Logger.getLogger("com.pi4j").getLevel());

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Handler handler = new StreamHandler(captured, new LineFormatter(true));
        Logger target = Logger.getLogger("org.eclipse.californium.core.CoapServer");
        target.addHandler(handler);
        try {
            org.slf4j.Logger library = org.slf4j.LoggerFactory.getLogger("org.eclipse.californium.core.CoapServer");
            library.info("endpoint started");
            library.warn("endpoint {} failed", "coap://127.0.0.1:5683");
            handler.flush();
        } finally {
            target.removeHandler(handler);
        }
        String text = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("<4>CoapServer: endpoint coap://127.0.0.1:5683 failed\n"), text);
        assertFalse(text.contains("endpoint started"), "library INFO is kept quiet: " + text);
    }
}
