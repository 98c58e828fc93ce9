package dev.octet.runtime.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the YAML subset described in {@link Yaml} into the JSON tree. Recursive descent over the text with one cursor;
 * block structure is decided by the column at which content starts. Every construct outside the subset is refused
 * where it appears, so that nothing is read differently from what a full YAML reader would read.
 *
 * <p>Invariant between block-level steps: the cursor is either at the start of a line, or (after
 * {@link #skipToContent()}, or after {@code "- "}) at the first character of a node on the current line.
 */
final class YamlParser {
    private static final String SUBSET = " (Octet reads a subset of YAML: see docs/CONFIG_SYNTAX.md)";

    private final String in;
    private final int len;
    private int pos;
    private int lineStart;
    private int depth;

    private YamlParser(String in) {
        this.in = in;
        this.len = in.length();
    }

    static JsonValue parse(String text) throws JsonParseException {
        String t = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        YamlParser p = new YamlParser(t);
        p.checkCharacters();
        return p.document();
    }

    // ---------------------------------------------------------------------------------------------- document

    private JsonValue document() throws JsonParseException {
        boolean content = skipToContent();
        if (content && peek() == '%') {
            throw unsupported("directives (%YAML, %TAG) are");
        }
        if (content && col() == 0 && isMarker("---")) {
            pos += 3;
            skipInlineSpace();
            if (!atLineEnd() && peek() != '#') {
                throw error("content on the '---' line is not supported: start the document on the next line");
            }
            endOfLine();
            content = skipToContent();
        }
        if (!content) {
            return JsonNull.INSTANCE;
        }
        JsonValue root = blockNode();
        if (skipToContent()) {
            if (col() == 0 && isMarker("---")) {
                throw unsupported("several documents in one file ('---' after the first document) are");
            }
            if (col() == 0 && isMarker("...")) {
                throw unsupported("the document end marker '...' is");
            }
            throw error("unexpected content after the document's top-level " + kind(root)
                    + " (check the indentation)");
        }
        return root;
    }

    private static String kind(JsonValue v) {
        return v.isObject() ? "mapping" : v.isArray() ? "list" : "value";
    }

    private boolean isMarker(String m) {
        return in.startsWith(m, pos) && (pos + 3 >= len || isBlankOrLineEnd(in.charAt(pos + 3)));
    }

    // ---------------------------------------------------------------------------------------------- block

    /** The node starting at the cursor; its indentation is the cursor's column. */
    private JsonValue blockNode() throws JsonParseException {
        int n = col();
        if (isSequenceEntry()) {
            return blockSequence(n);
        }
        if (isMappingKeyHere()) {
            return blockMapping(n);
        }
        JsonValue v = inlineValue(true);
        endOfLine();
        return v;
    }

    private JsonArray blockSequence(int n) throws JsonParseException {
        enter();
        ArrayList<JsonValue> items = new ArrayList<>();
        while (true) {
            pos++; // '-'
            skipInlineSpace();
            JsonValue item = JsonNull.INSTANCE;
            if (atLineEnd() || peek() == '#') {
                endOfLine();
                if (skipToContent() && col() > n) {
                    item = blockNode();
                }
            } else {
                item = blockNode();
            }
            items.add(item);
            if (!moreContent() || col() < n) {
                break;
            }
            if (col() > n) {
                throw badIndentation();
            }
            if (!isSequenceEntry()) {
                break; // a key of the mapping this list is the value of ("key:\n- a\nnext: b"), or an error there
            }
        }
        depth--;
        return JsonArray.wrap(items);
    }

    private JsonObject blockMapping(int n) throws JsonParseException {
        enter();
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        Map<String, Integer> keyAt = new HashMap<>();
        while (true) {
            int keyPos = pos;
            String key = blockKey();
            rememberKey(keyAt, key, keyPos);
            skipInlineSpace();
            JsonValue value = JsonNull.INSTANCE;
            if (atLineEnd() || peek() == '#') {
                endOfLine();
                if (skipToContent()) {
                    if (col() > n) {
                        value = blockNode();
                    } else if (col() == n && isSequenceEntry()) {
                        value = blockSequence(n); // "key:\n- a": YAML allows the list at the key's indentation
                    }
                }
            } else {
                if (isSequenceEntry()) {
                    throw error("a list cannot start on the line of its key: put its '- ' entries on the following "
                            + "lines, or write it as [a, b]");
                }
                value = inlineValue(true);
                endOfLine();
            }
            members.put(key, value);
            if (!moreContent() || col() < n) {
                break;
            }
            if (col() > n) {
                throw badIndentation();
            }
            if (isSequenceEntry()) {
                throw error("a list entry ('- ') where a key of the mapping was expected (check the indentation)");
            }
            if (!isMappingKeyHere()) {
                if (peek() == '?' && isBlankAt(pos + 1)) {
                    throw unsupported("complex keys ('? ') are");
                }
                throw error("expected a key ('name: value') at this indentation, got " + describeHere());
            }
        }
        depth--;
        return JsonObject.wrap(members);
    }

    /** A block mapping's key and its ':' (the caller checked with {@link #isMappingKeyHere()}). */
    private String blockKey() throws JsonParseException {
        char c = peek();
        String key;
        if (c == '"' || c == '\'') {
            key = c == '"' ? doubleQuoted() : singleQuoted();
            skipInlineSpace();
        } else {
            if (c == '[' || c == '{' || (c == '?' && isBlankAt(pos + 1))) {
                throw unsupported("complex keys (a list, a mapping or '? ' as key) are");
            }
            checkPlainStart(false);
            int start = pos;
            while (!(peek() == ':' && isBlankAt(pos + 1))) {
                pos++;
            }
            key = in.substring(start, pos).strip();
            if (key.isEmpty()) {
                throw error("empty key");
            }
        }
        if (peek() != ':') {
            throw error("expected ':' after the key, got " + describeHere());
        }
        pos++;
        return key;
    }

    /** {@code - } (or {@code -} at the end of the line) at the cursor. */
    private boolean isSequenceEntry() {
        return peek() == '-' && isBlankAt(pos + 1);
    }

    /** Whether the current line, from the cursor, is {@code key: ...} (without consuming anything). */
    private boolean isMappingKeyHere() {
        char c = peek();
        int p;
        if (c == '"' || c == '\'') {
            p = quotedEnd(pos);
            if (p < 0) {
                return false;
            }
        } else if (c == '[' || c == '{') {
            p = bracketEnd(pos);
            if (p < 0) {
                return false;
            }
        } else {
            if (c == '?' && isBlankAt(pos + 1)) {
                return true; // refused as a complex key by blockKey
            }
            for (p = pos; p < len && !isLineEnd(in.charAt(p)); p++) {
                char d = in.charAt(p);
                if (d == '#' && p > pos && isWhite(in.charAt(p - 1))) {
                    return false;
                }
                if (d == ':' && isBlankAt(p + 1)) {
                    return true;
                }
            }
            return false;
        }
        while (p < len && isWhite(in.charAt(p))) {
            p++;
        }
        return p < len && in.charAt(p) == ':' && isBlankAt(p + 1);
    }

    /** Offset after the quoted scalar starting at {@code p}, or -1 if it does not close on its line. */
    private int quotedEnd(int p) {
        char q = in.charAt(p);
        for (int i = p + 1; i < len && !isLineEnd(in.charAt(i)); i++) {
            char c = in.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                if (q == '\'' && i + 1 < len && in.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** Offset after the flow collection starting at {@code p} if it closes on its line, else -1 (a rough scan). */
    private int bracketEnd(int p) {
        int level = 0;
        for (int i = p; i < len && !isLineEnd(in.charAt(i)); i++) {
            char c = in.charAt(i);
            if (c == '"' || c == '\'') {
                int e = quotedEnd(i);
                if (e < 0) {
                    return -1;
                }
                i = e - 1;
            } else if (c == '[' || c == '{') {
                level++;
            } else if (c == ']' || c == '}') {
                if (--level == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** A scalar or flow collection on the current line (block context) or inside a flow collection. */
    private JsonValue inlineValue(boolean block) throws JsonParseException {
        char c = peek();
        if (c == '[') {
            return flowSequence();
        }
        if (c == '{') {
            return flowMapping();
        }
        if (c == '"') {
            return new JsonString(doubleQuoted());
        }
        if (c == '\'') {
            return new JsonString(singleQuoted());
        }
        return block ? plainBlock() : plainFlow();
    }

    private JsonValue plainBlock() throws JsonParseException {
        checkPlainStart(false);
        int start = pos;
        int end = pos;
        while (pos < len && !isLineEnd(in.charAt(pos))) {
            char c = in.charAt(pos);
            if (c == '#' && isWhite(in.charAt(pos - 1))) {
                break;
            }
            if (c == ':' && isBlankAt(pos + 1)) {
                throw error("a key ('name: ') inside a value: a mapping cannot start on the line of its key; quote "
                        + "the value if it contains ': '");
            }
            if (!isWhite(c)) {
                end = pos + 1;
            }
            pos++;
        }
        return resolve(start, in.substring(start, end));
    }

    private JsonValue plainFlow() throws JsonParseException {
        int start = pos;
        String text = plainFlowText();
        return resolve(start, text);
    }

    /** A plain scalar's text in a flow collection, untyped (keys stay text: {@code {007: x}} has the key "007"). */
    private String plainFlowText() throws JsonParseException {
        checkPlainStart(true);
        int start = pos;
        int end = pos;
        while (pos < len && !isLineEnd(in.charAt(pos))) {
            char c = in.charAt(pos);
            if (isFlowIndicator(c) || (c == '#' && isWhite(in.charAt(pos - 1)))) {
                break;
            }
            if (c == ':' && (isBlankAt(pos + 1) || isFlowIndicator(in.charAt(pos + 1)))) {
                break;
            }
            if (!isWhite(c)) {
                end = pos + 1;
            }
            pos++;
        }
        return in.substring(start, end);
    }

    /** Refuses what cannot start a plain scalar, naming the unsupported feature when it is one. */
    private void checkPlainStart(boolean flow) throws JsonParseException {
        char c = peek();
        switch (c) {
            case '&' -> throw unsupported("anchors (&name) are");
            case '*' -> throw unsupported("aliases (*name) are");
            case '!' -> throw unsupported("tags (!name) are");
            case '|', '>' -> throw unsupported("block scalars ('|' and '>') are");
            case '%', '@', '`' -> throw error("a value cannot start with '" + c + "': quote it");
            case ',', ']', '}', '[', '{' -> throw error("unexpected '" + c + "'");
            case '#' -> throw error("a comment needs a space before '#'");
            default -> {
            }
        }
        if ((c == '-' || c == '?' || c == ':') && isBlankAt(pos + 1)) {
            if (c == '?') {
                throw unsupported("complex keys ('? ') are");
            }
            throw error(c == '-' ? (flow ? "a block list entry ('- ') inside [ ] or { }" : "unexpected '- '")
                    : "unexpected ':' (a key is missing)");
        }
    }

    // ---------------------------------------------------------------------------------------------- flow

    private JsonArray flowSequence() throws JsonParseException {
        enter();
        int open = pos;
        pos++;
        ArrayList<JsonValue> items = new ArrayList<>();
        while (true) {
            skipFlowSpace(open, ']');
            if (peek() == ']') {
                pos++;
                break;
            }
            if (peek() == ',') {
                throw error("an empty entry (two commas) in [ ]");
            }
            items.add(inlineValue(false));
            skipFlowSpace(open, ']');
            if (peek() == ':') {
                throw unsupported("'key: value' pairs directly inside [ ] (write [{key: value}]) are");
            }
            if (endOfFlowEntry(']', "[ ]")) {
                break;
            }
        }
        depth--;
        return JsonArray.wrap(items);
    }

    private JsonObject flowMapping() throws JsonParseException {
        enter();
        int open = pos;
        pos++;
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        Map<String, Integer> keyAt = new HashMap<>();
        while (true) {
            skipFlowSpace(open, '}');
            char c = peek();
            if (c == '}') {
                pos++;
                break;
            }
            if (c == ',') {
                throw error("an empty entry (two commas) in { }");
            }
            int keyPos = pos;
            String key;
            if (c == '"') {
                key = doubleQuoted();
            } else if (c == '\'') {
                key = singleQuoted();
            } else if (c == '[' || c == '{' || (c == '?' && isBlankAt(pos + 1))) {
                throw unsupported("complex keys (a list, a mapping or '? ' as key) are");
            } else {
                key = plainFlowText();
            }
            rememberKey(keyAt, key, keyPos);
            skipFlowSpace(open, '}');
            JsonValue value = JsonNull.INSTANCE;
            if (peek() == ':') {
                pos++;
                skipFlowSpace(open, '}');
                if (peek() != ',' && peek() != '}') {
                    value = inlineValue(false);
                    skipFlowSpace(open, '}');
                }
            }
            members.put(key, value);
            if (endOfFlowEntry('}', "{ }")) {
                break;
            }
        }
        depth--;
        return JsonObject.wrap(members);
    }

    /** Records where {@code key} was first given in one mapping; a key given twice is an error naming both places. */
    private void rememberKey(Map<String, Integer> keyAt, String key, int keyPos) throws JsonParseException {
        Integer first = keyAt.putIfAbsent(key, keyPos);
        if (first != null) {
            JsonParseException f = JsonParseException.at(in, first, "");
            throw JsonParseException.at(in, keyPos, "duplicate key \"" + key + "\" (first at line " + f.line()
                    + ", column " + f.column() + ")");
        }
    }

    /**
     * After an entry of a flow collection: consumes a ',' (false: more entries follow) or the closing character
     * (true: the collection ends); anything else is an error.
     */
    private boolean endOfFlowEntry(char close, String brackets) throws JsonParseException {
        if (peek() == ',') {
            pos++;
            return false;
        }
        if (peek() == close) {
            pos++;
            return true;
        }
        throw error("expected ',' or '" + close + "', got " + describeHere() + " (a value inside " + brackets
                + " cannot continue on the next line)");
    }

    /** Spaces, line breaks and comments inside a flow collection; the end of the text there is an error. */
    private void skipFlowSpace(int open, char close) throws JsonParseException {
        while (pos < len) {
            char c = in.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (isLineEnd(c)) {
                newline();
            } else if (c == '#' && (pos == lineStart || isWhite(in.charAt(pos - 1)))) {
                while (pos < len && !isLineEnd(in.charAt(pos))) {
                    pos++;
                }
            } else {
                return;
            }
        }
        JsonParseException o = JsonParseException.at(in, open, "");
        throw error("'" + (close == ']' ? '[' : '{') + "' opened at line " + o.line() + ", column " + o.column()
                + " is not closed with '" + close + "'");
    }

    // ---------------------------------------------------------------------------------------------- scalars

    private String doubleQuoted() throws JsonParseException {
        int open = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= len || isLineEnd(in.charAt(pos))) {
                pos = open;
                throw unsupported("quoted strings that do not end on their line (or an unclosed quote) are");
            }
            char c = in.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            char e = pos + 1 < len ? in.charAt(pos + 1) : '\n';
            pos += 2;
            switch (e) {
                case '0' -> sb.append('\0');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 't', '\t' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'v' -> sb.append('\u000B');
                case 'f' -> sb.append('\f');
                case 'r' -> sb.append('\r');
                case 'e' -> sb.append('\u001B');
                case ' ' -> sb.append(' ');
                case '"' -> sb.append('"');
                case '/' -> sb.append('/');
                case '\\' -> sb.append('\\');
                case 'N' -> sb.append('\u0085');
                case '_' -> sb.append('\u00A0');
                case 'L' -> sb.append('\u2028');
                case 'P' -> sb.append('\u2029');
                case 'x' -> sb.appendCodePoint(hexEscape(2));
                case 'u' -> sb.appendCodePoint(hexEscape(4));
                case 'U' -> sb.appendCodePoint(hexEscape(8));
                default -> {
                    pos -= 2;
                    if (isLineEnd(e)) {
                        throw unsupported("quoted strings continued on the next line are");
                    }
                    throw error("unknown escape \\" + JsonParser.printable(e) + " in a double-quoted string");
                }
            }
        }
    }

    private int hexEscape(int digits) throws JsonParseException {
        int v = 0;
        for (int k = 0; k < digits; k++) {
            int d = pos < len ? JsonParser.hexDigit(in.charAt(pos)) : -1;
            if (d < 0) {
                throw error("expected " + digits + " hex digits in the escape");
            }
            v = v * 16 + d;
            pos++;
            if (v > Character.MAX_CODE_POINT) { // checked as it grows: eight digits could overflow an int
                throw error("escape beyond U+10FFFF");
            }
        }
        return v;
    }

    private String singleQuoted() throws JsonParseException {
        int open = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= len || isLineEnd(in.charAt(pos))) {
                pos = open;
                throw unsupported("quoted strings that do not end on their line (or an unclosed quote) are");
            }
            char c = in.charAt(pos++);
            if (c == '\'') {
                if (pos < len && in.charAt(pos) == '\'') {
                    sb.append('\'');
                    pos++;
                } else {
                    return sb.toString();
                }
            } else {
                sb.append(c);
            }
        }
    }

    /** A plain scalar's type by the YAML 1.2 core schema: null, boolean, integer, float, else string. */
    private JsonValue resolve(int at, String s) throws JsonParseException {
        switch (s) {
            case "", "~", "null", "Null", "NULL":
                return JsonNull.INSTANCE;
            case "true", "True", "TRUE":
                return JsonBoolean.TRUE;
            case "false", "False", "FALSE":
                return JsonBoolean.FALSE;
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
                throw JsonParseException.at(in, at, "infinite and not-a-number values (" + s + ") are not supported"
                        + SUBSET);
            default:
                break;
        }
        char c = s.charAt(0);
        if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.') {
            return new JsonString(s);
        }
        if (s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'o')) {
            int radix = s.charAt(1) == 'x' ? 16 : 8;
            for (int i = 2; i < s.length(); i++) {
                int d = JsonParser.hexDigit(s.charAt(i));
                if (d < 0 || d >= radix) {
                    return new JsonString(s);
                }
            }
            if (s.length() > JsonNumber.MAX_TEXT) {
                throw JsonParseException.at(in, at, "a number longer than " + JsonNumber.MAX_TEXT + " characters");
            }
            return JsonNumber.of(new BigInteger(s.substring(2), radix));
        }
        JsonValue number = YamlNumbers.decimal(s);
        if (number instanceof JsonNumber && s.length() > JsonNumber.MAX_TEXT) {
            throw JsonParseException.at(in, at, "a number longer than " + JsonNumber.MAX_TEXT + " characters");
        }
        if (number == null) {
            throw JsonParseException.at(in, at, "the integer " + s + " has a leading zero, which YAML 1.1 reads as "
                    + "octal and YAML 1.2 as decimal: write it without the zero, or 0o" + s.replaceFirst("^[-+]?0+", "")
                    + " for octal, or quote it for a string");
        }
        return number;
    }

    // ---------------------------------------------------------------------------------------------- lines

    /** Moves to the first content character of the next line that has some; false at the end of the text. */
    private boolean skipToContent() throws JsonParseException {
        if (pos > lineStart) {
            return pos < len; // already at a node on this line
        }
        while (pos < len) {
            int p = pos;
            while (p < len && in.charAt(p) == ' ') {
                p++;
            }
            int q = p;
            while (q < len && isWhite(in.charAt(q))) {
                q++;
            }
            if (q >= len || isLineEnd(in.charAt(q)) || in.charAt(q) == '#') {
                pos = q;
                while (pos < len && !isLineEnd(in.charAt(pos))) {
                    pos++;
                }
                newline();
                continue;
            }
            if (q != p) {
                pos = p;
                throw error("a tab in the indentation: YAML indents with spaces only");
            }
            pos = p;
            return true;
        }
        return false;
    }

    /** {@link #skipToContent()}, stopping in front of a document marker ({@code ---}, {@code ...}) too. */
    private boolean moreContent() throws JsonParseException {
        return skipToContent() && !(col() == 0 && (isMarker("---") || isMarker("...")));
    }

    /** After a value: only spaces and a comment may follow on its line; moves to the next line. */
    private void endOfLine() throws JsonParseException {
        skipInlineSpace();
        if (pos < len && in.charAt(pos) == '#') {
            if (pos > lineStart && !isWhite(in.charAt(pos - 1))) {
                throw error("a comment needs a space before '#'");
            }
            while (pos < len && !isLineEnd(in.charAt(pos))) {
                pos++;
            }
        }
        if (!atLineEnd()) {
            throw error("unexpected " + describeHere() + " after the value");
        }
        newline();
    }

    /** Past the line break at the cursor (CR LF, LF or CR), if any. */
    private void newline() {
        if (pos < len) {
            if (in.charAt(pos) == '\r' && pos + 1 < len && in.charAt(pos + 1) == '\n') {
                pos++;
            }
            pos++;
            lineStart = pos;
        }
    }

    private void skipInlineSpace() {
        while (pos < len && isWhite(in.charAt(pos))) {
            pos++;
        }
    }

    private void checkCharacters() throws JsonParseException {
        for (int i = 0; i < len; i++) {
            char c = in.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f || c == '\uFFFE' || c == '\uFFFF') {
                throw JsonParseException.at(in, i, "control character U+" + JsonParser.hex4(c)
                        + " (not allowed in YAML text; write it as an escape in a double-quoted string)");
            }
        }
    }

    private void enter() throws JsonParseException {
        if (++depth > Json.MAX_DEPTH) {
            throw error("nested more than " + Json.MAX_DEPTH + " levels deep");
        }
    }

    private int col() {
        return pos - lineStart;
    }

    private char peek() {
        return pos < len ? in.charAt(pos) : '\0';
    }

    private boolean atLineEnd() {
        return pos >= len || isLineEnd(in.charAt(pos));
    }

    private boolean isBlankAt(int p) {
        return p >= len || isWhite(in.charAt(p)) || isLineEnd(in.charAt(p));
    }

    private static boolean isBlankOrLineEnd(char c) {
        return isWhite(c) || isLineEnd(c);
    }

    private static boolean isWhite(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isLineEnd(char c) {
        return c == '\n' || c == '\r';
    }

    private static boolean isFlowIndicator(char c) {
        return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
    }

    private String describeHere() {
        return atLineEnd() ? "the end of the line" : "'" + JsonParser.printable(peek()) + "'";
    }

    private JsonParseException badIndentation() {
        return error("unexpected indentation (the keys of one mapping line up, as do a list's '- '; a value cannot "
                + "continue on the next line)");
    }

    /** {@code what} names the construct with its verb: "anchors (&name) are". */
    private JsonParseException unsupported(String what) {
        return error(what + " not supported" + SUBSET);
    }

    private JsonParseException error(String reason) {
        return JsonParseException.at(in, pos, reason);
    }
}
