package dev.octet.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LineFormatterTest {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static LogRecord record(Level level, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.octet.runtime.service.KernelWarmup");
        r.setParameters(params.length == 0 ? null : params);
        r.setInstant(Instant.parse("2026-11-23T14:43:22.123Z"));
        return r;
    }

    @Test
    void timestampsAgreeWithJavaTimeAcrossCenturiesAndLeapDays() {
        SplittableRandom random = new SplittableRandom(7);
        long[] fixed = {0L, -1L, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28 end */,
                -2_208_988_800_000L /* 1900-01-01 */, 1_795_445_002_123L};
        for (long millis : fixed) {
            assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(millis)), format(millis), "at " + millis);
        }
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(-2_208_988_800_000L, 13_569_465_600_000L); // 1900 .. 2400
            assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(millis)), format(millis), "at " + millis);
        }
    }

    private static String format(long millis) {
        StringBuilder b = new StringBuilder();
        UtcTimestamp.append(b, millis);
        return b.toString();
    }

    @Test
    void oneLineWithTimestampLevelAndShortLoggerName() {
        String line = new LineFormatter(false).format(record(Level.WARNING, "stream {0}: {1} windows late", "vww", 3));
        assertEquals("2026-11-23T14:43:22.123Z WARNING KernelWarmup: stream vww: 3 windows late\n", line);
        assertEquals("2026-11-23T14:43:22.123Z INFO    KernelWarmup: ok\n",
                new LineFormatter(false).format(record(Level.INFO, "ok")));
    }

    @Test
    void journalLinesCarryTheSyslogPriorityInsteadOfATimestamp() {
        LineFormatter journal = new LineFormatter(true);
        assertEquals("<3>KernelWarmup: broken\n", journal.format(record(Level.SEVERE, "broken")));
        assertEquals("<4>KernelWarmup: late\n", journal.format(record(Level.WARNING, "late")));
        assertEquals("<6>KernelWarmup: swapped\n", journal.format(record(Level.INFO, "swapped")));
        assertEquals("<7>KernelWarmup: detail\n", journal.format(record(Level.FINE, "detail")));
    }

    @Test
    void patternsBeyondPlainIndexesAreLeftToMessageFormat() {
        LineFormatter f = new LineFormatter(true);
        assertEquals("<6>KernelWarmup: it's 1,234\n", f.format(record(Level.INFO, "it''s {0,number}", 1234)));
        assertEquals("<6>KernelWarmup: {9} stays\n", f.format(record(Level.INFO, "'{9}' stays", 1)));
        assertEquals("<6>KernelWarmup: a null b\n", f.format(record(Level.INFO, "a {0} b", (Object) null)));
    }

    @Test
    void aThrowableFollowsWithItsStackTrace() {
        LogRecord r = record(Level.SEVERE, "failed");
        r.setThrown(new IllegalStateException("kernel fault"));
        String text = new LineFormatter(false).format(r);
        assertTrue(text.startsWith("2026-11-23T14:43:22.123Z SEVERE  KernelWarmup: failed\n"
                + "java.lang.IllegalStateException: kernel fault\n"), text);
        assertTrue(text.contains("\tat dev.octet.runtime.logging.LineFormatterTest"), text);
    }

    @Test
    void inTheJournalEveryLineOfARecordCarriesItsPriority() {
        LogRecord r = record(Level.WARNING, "multi\nline");
        r.setThrown(new IllegalStateException("kernel fault"));
        String text = new LineFormatter(true).format(r);
        assertTrue(text.startsWith("<4>KernelWarmup: multi\n<4>line\n<4>java.lang.IllegalStateException: kernel fault\n"
                + "<4>\tat dev.octet.runtime.logging.LineFormatterTest"), text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("<4>")), text);
        assertTrue(text.endsWith("\n"), text);
    }

    @Test
    void journalStreamCountsOnlyWhenItNamesThisStderr() {
        assertTrue(JournalStream.matches("8:12345", 8, 12345));
        assertFalse(JournalStream.matches("8:12345", 8, 12346), "a parent's journal stream, stderr elsewhere");
        assertFalse(JournalStream.matches("garbage", 8, 12345));
        assertFalse(JournalStream.matches(":12345", 8, 12345));
        assertFalse(JournalStream.isStderr(null));
        assertFalse(JournalStream.isStderr("0:0"), "this test's stderr is not inode 0");
    }
}
