package dev.octet.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapHeadroomTest {
    private static final long MB = 1L << 20;

    @Test
    void theFourMlperfModelsInTheSmallProfilesHeapAreFine() {
        assertEquals(Optional.empty(), HeapHeadroom.assess(16 * MB, 9 * MB + MB / 2), "9.5 MB live of 16");
    }

    @Test
    void aHeapThreeQuartersFullIsReportedWithWhatToChange() {
        String warning = HeapHeadroom.assess(16 * MB, 13 * MB).orElseThrow();
        assertTrue(warning.contains("13.0 MB of the 16.0 MB heap, leaving 3.0 MB (want at least 4.0 MB"), warning);
        assertTrue(warning.contains("raise -Xmx (packaging/jvm/<profile>.args"), warning);
        assertTrue(HeapHeadroom.assess(64 * MB, 50 * MB).isPresent(), "a quarter of a larger heap is wanted free");
        assertEquals(Optional.empty(), HeapHeadroom.assess(64 * MB, 48 * MB));
    }
}
