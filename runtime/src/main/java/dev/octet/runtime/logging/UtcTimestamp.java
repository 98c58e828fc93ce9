package dev.octet.runtime.logging;

/**
 * ISO-8601 UTC timestamps with milliseconds ({@code 2026-11-23T14:43:22.123Z}) from epoch milliseconds, without
 * {@code java.time}'s formatter (see {@link LineFormatter} for why).
 */
final class UtcTimestamp {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private UtcTimestamp() {
    }

    static void append(StringBuilder out, long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Proleptic Gregorian date from days since 1970-01-01, counted in 400-year eras starting on 0000-03-01
        // (so the leap day is the last day of its year): the civil-from-days calculation.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153; // 0 = March
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, millisOfDay / 3_600_000, 2).append(':');
        pad(out, millisOfDay / 60_000 % 60, 2).append(':');
        pad(out, millisOfDay / 1_000 % 60, 2).append('.');
        pad(out, millisOfDay % 1_000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
