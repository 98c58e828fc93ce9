package dev.octet.runtime.json;

/**
 * JSON or YAML text that could not be read: what is wrong ({@link #reason()}) and where (1-based {@link #line()} and
 * {@link #column()}, counted in characters). The message reads {@code line 3, column 12: expected ',' or '}'}.
 */
public final class JsonParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String reason;

    public JsonParseException(int line, int column, String reason) {
        super("line " + line + ", column " + column + ": " + reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** The exception for {@code reason} at character {@code offset} of {@code text}. */
    static JsonParseException at(CharSequence text, int offset, String reason) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(offset, text.length());
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonParseException(line, offset - lineStart + 1, reason);
    }
}
