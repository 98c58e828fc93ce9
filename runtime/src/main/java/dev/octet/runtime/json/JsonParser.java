package dev.octet.runtime.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * A strict RFC 8259 parser: one value, surrounded only by JSON whitespace; no comments, no trailing commas, no
 * single quotes, no leading zeros, no NaN. A name given twice in one object is refused (the RFC leaves it to the
 * reader; silently keeping one of the two would lose data). Recursive descent, bounded by {@link Json#MAX_DEPTH}
 * so that deeply nested input is an error, not a StackOverflowError; time is linear in the input.
 */
final class JsonParser {
    private final String in;
    private int pos;
    private int depth;

    private JsonParser(String in) {
        this.in = in;
    }

    static JsonValue parse(String text) throws JsonParseException {
        JsonParser p = new JsonParser(text);
        p.skipWhitespace();
        if (p.pos >= text.length()) {
            throw p.error("no JSON value (the text is empty)");
        }
        JsonValue v = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the JSON value");
        }
        return v;
    }

    private JsonValue value() throws JsonParseException {
        if (pos >= in.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = in.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return new JsonString(string());
            case 't':
                literal("true");
                return JsonBoolean.TRUE;
            case 'f':
                literal("false");
                return JsonBoolean.FALSE;
            case 'n':
                literal("null");
                return JsonNull.INSTANCE;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describeHere() + ", expected a value");
        }
    }

    private void enter() throws JsonParseException {
        if (++depth > Json.MAX_DEPTH) {
            throw error("nested more than " + Json.MAX_DEPTH + " levels deep");
        }
    }

    private JsonObject object() throws JsonParseException {
        enter();
        int start = pos;
        pos++; // {
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return JsonObject.wrap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error(pos >= in.length() ? "unexpected end of input in the object opened at "
                        + where(start) : "expected a member name in double quotes, got " + describeHere());
            }
            int namePos = pos;
            String name = string();
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':' after the member name, got " + describeHere());
            }
            pos++;
            skipWhitespace();
            JsonValue v = value();
            if (members.putIfAbsent(name, v) != null) {
                throw JsonParseException.at(in, namePos, "duplicate member name \"" + name + "\"");
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return JsonObject.wrap(members);
            }
            if (c != ',') {
                pos--;
                throw error(pos >= in.length() ? "unexpected end of input in the object opened at " + where(start)
                        : "expected ',' or '}', got " + describeHere());
            }
        }
    }

    private JsonArray array() throws JsonParseException {
        enter();
        int start = pos;
        pos++; // [
        ArrayList<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return JsonArray.wrap(elements);
        }
        while (true) {
            skipWhitespace();
            if (pos >= in.length()) {
                throw error("unexpected end of input in the array opened at " + where(start));
            }
            elements.add(value());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return JsonArray.wrap(elements);
            }
            if (c != ',') {
                pos--;
                throw error(pos >= in.length() ? "unexpected end of input in the array opened at " + where(start)
                        : "expected ',' or ']', got " + describeHere());
            }
        }
    }

    private String string() throws JsonParseException {
        int start = pos;
        pos++; // "
        // Fast path: no escapes.
        int i = pos;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (c == '"') {
                String s = in.substring(pos, i);
                pos = i + 1;
                return s;
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            i++;
        }
        StringBuilder sb = new StringBuilder(in.length() - pos < 64 ? 16 : 64);
        sb.append(in, pos, i);
        pos = i;
        while (true) {
            if (pos >= in.length()) {
                throw JsonParseException.at(in, start, "string not closed before the end of input");
            }
            char c = in.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character U+" + hex4(c) + " in a string (write it as an escape)");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= in.length()) {
                throw JsonParseException.at(in, start, "string not closed before the end of input");
            }
            char e = in.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = pos + 2 + k < in.length() ? hexDigit(in.charAt(pos + 2 + k)) : -1;
                        if (d < 0) {
                            throw error("\\u must be followed by four hex digits");
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + printable(e));
            }
            pos += 2;
        }
    }

    private JsonNumber number() throws JsonParseException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        char c = peek();
        if (c == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zeros are not allowed in JSON numbers");
            }
        } else if (c >= '1' && c <= '9') {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("expected a digit, got " + describeHere());
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point, got " + describeHere());
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent, got " + describeHere());
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (pos - start > JsonNumber.MAX_TEXT) {
            pos = start;
            throw error("a number longer than " + JsonNumber.MAX_TEXT + " characters");
        }
        return JsonNumber.ofCheckedText(in.substring(start, pos), integral);
    }

    /**
     * The value of an ASCII hex digit, else -1 ({@link Character#digit} would also take fullwidth and other
     * scripts' digits).
     */
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void literal(String word) throws JsonParseException {
        if (!in.startsWith(word, pos)) {
            throw error("unexpected " + describeHere() + ", expected a value");
        }
        pos += word.length();
    }

    private void skipWhitespace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < in.length() ? in.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String describeHere() {
        if (pos >= in.length()) {
            return "end of input";
        }
        return "'" + printable(in.charAt(pos)) + "'";
    }

    static String printable(char c) {
        return c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? "U+" + hex4(c) : String.valueOf(c);
    }

    static String hex4(char c) {
        String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(h.length()) + h;
    }

    private String where(int offset) {
        JsonParseException e = JsonParseException.at(in, offset, "");
        return "line " + e.line() + ", column " + e.column();
    }

    private JsonParseException error(String reason) {
        return JsonParseException.at(in, pos, reason);
    }
}
