package dev.octet.runtime.json;


/**
 * Decimal numbers in plain YAML scalars, by the YAML 1.2 core schema: an integer is {@code [-+]?[0-9]+}, a float
 * {@code [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?}; anything else is a string. The text is rewritten as
 * JSON number syntax ({@code +1.} becomes {@code 1.0}, {@code .5} becomes {@code 0.5}) keeping every digit.
 */
final class YamlNumbers {
    private YamlNumbers() {
    }

    /**
     * The number {@code s} denotes, or the string {@code s}; null for an integer with a leading zero ({@code 0755}:
     * octal in YAML 1.1, decimal in 1.2, so the caller refuses it rather than guess).
     */
    static JsonValue decimal(String s) {
        int i = 0;
        int n = s.length();
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intEnd = i;
        int fracStart = -1;
        int fracEnd = -1;
        if (i < n && s.charAt(i) == '.') {
            fracStart = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            fracEnd = i;
        }
        if (intEnd == intStart && (fracStart < 0 || fracEnd == fracStart)) {
            return new JsonString(s); // no digits at all: "-", ".", "+.", "-x"
        }
        int expStart = -1;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            expStart = i;
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int digits = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == digits) {
                return new JsonString(s);
            }
        }
        if (i != n) {
            return new JsonString(s);
        }
        if (fracStart < 0 && expStart < 0) {
            if (intEnd - intStart > 1 && s.charAt(intStart) == '0') {
                return null;
            }
            // The digits as they are (no leading zero here), without BigInteger: its parsing time grows with the
            // square of the length.
            String digits = s.substring(intStart);
            boolean zero = digits.equals("0");
            return JsonNumber.ofCheckedText(negative && !zero ? "-" + digits : digits, true);
        }
        StringBuilder json = new StringBuilder(n + 3);
        if (negative) {
            json.append('-');
        }
        int lead = intStart;
        while (lead < intEnd - 1 && s.charAt(lead) == '0') {
            lead++; // JSON allows no leading zeros
        }
        json.append(intEnd == intStart ? "0" : s.substring(lead, intEnd));
        if (fracStart >= 0) {
            json.append('.').append(fracEnd == fracStart ? "0" : s.substring(fracStart, fracEnd));
        }
        if (expStart >= 0) {
            json.append(s, expStart, n);
        }
        return JsonNumber.ofCheckedText(json.toString(), false);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
