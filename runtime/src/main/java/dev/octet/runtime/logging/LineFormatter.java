package dev.octet.runtime.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per log record, for a headless service: {@code 2026-11-23T14:43:22.123Z INFO  KernelWarmup: message}.
 *
 * <p>Under systemd (stderr connected to the journal, which the service manager announces with {@code JOURNAL_STREAM})
 * the line starts with the record's syslog priority instead, {@code <6>KernelWarmup: message}: the journal stamps
 * each line itself and files it under that priority, so {@code journalctl -u octet -p warning} shows the warnings
 * and errors only. The journal takes every line as an entry of its own, so every line of a record (a message over
 * several lines, a stack trace) carries the record's priority.
 *
 * <p>Kept light on purpose: the JDK's {@code SimpleFormatter} formats its date through {@code java.util.Formatter}
 * and the locale machinery, about two hundred classes (resident memory on a gateway) for a timestamp. Here the
 * timestamp is computed from the epoch milliseconds ({@link UtcTimestamp}) and {@code {0}}-style parameters are
 * substituted directly ({@link #formatMessage}); patterns using more of {@link java.text.MessageFormat} than that
 * still go through it.
 */
public final class LineFormatter extends Formatter {
    private final boolean journal;

    /**
     * @param journal true to prefix each line with its syslog priority (for the systemd journal) instead of a
     *                timestamp
     */
    public LineFormatter(boolean journal) {
        this.journal = journal;
    }

    /** For this process: the journal form when systemd connected stderr to the journal. */
    public static LineFormatter forThisProcess() {
        return new LineFormatter(JournalStream.isStderr(System.getenv("JOURNAL_STREAM")));
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder text = new StringBuilder(160);
        text.append(shortName(record.getLoggerName())).append(": ").append(formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(trace);
        }
        if (journal) {
            return prefixEveryLine(text, "<" + syslogPriority(record.getLevel()) + ">");
        }
        StringBuilder line = new StringBuilder(text.length() + 40);
        UtcTimestamp.append(line, record.getMillis());
        line.append(' ').append(levelName(record.getLevel())).append(' ').append(text);
        return line.toString();
    }

    /** {@code text} (lines ending in a newline) with {@code prefix} before each line. */
    private static String prefixEveryLine(CharSequence text, String prefix) {
        StringBuilder out = new StringBuilder(text.length() + 8 * prefix.length());
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (lineStart) {
                out.append(prefix);
            }
            out.append(c);
            lineStart = c == '\n';
        }
        if (!lineStart) {
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * The message with its {@code {n}} parameters in place. Plain {@code {n}} references (no format type, no quotes)
     * are substituted with {@link String#valueOf}; anything else is left to {@link Formatter#formatMessage}.
     */
    @Override
    public String formatMessage(LogRecord record) {
        String pattern = record.getMessage();
        Object[] params = record.getParameters();
        if (pattern == null || params == null || params.length == 0 || record.getResourceBundle() != null) {
            return super.formatMessage(record);
        }
        StringBuilder out = new StringBuilder(pattern.length() + 32);
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                return super.formatMessage(record); // quoting: MessageFormat's rules
            }
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int close = pattern.indexOf('}', i);
            int index = close < 0 ? -1 : parameterIndex(pattern, i + 1, close);
            if (index < 0 || index >= params.length) {
                return super.formatMessage(record); // {0,number}, {x}, unbalanced: MessageFormat's rules
            }
            out.append(params[index]);
            i = close + 1;
        }
        return out.toString();
    }

    /** The digits between {@code from} and {@code to} as a number, or -1 if that is not a plain index. */
    private static int parameterIndex(String pattern, int from, int to) {
        if (from == to || to - from > 3) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char d = pattern.charAt(i);
            if (d < '0' || d > '9') {
                return -1;
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }

    /** The syslog severity of a level: err, warning, info or debug. */
    static int syslogPriority(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return 3;
        }
        if (v >= Level.WARNING.intValue()) {
            return 4;
        }
        if (v >= Level.INFO.intValue()) {
            return 6;
        }
        return 7;
    }

    /** The level's name padded to the width of the longest usual one, so messages line up. */
    private static String levelName(Level level) {
        String name = level.getName();
        return name.length() >= 7 ? name : (name + "       ").substring(0, 7);
    }

    /** The logger's simple name: {@code dev.octet.runtime.service.KernelWarmup} gives {@code KernelWarmup}. */
    private static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "octet";
        }
        return logger.substring(logger.lastIndexOf('.') + 1);
    }
}
