package io.foldopt.cli.format;

/**
 * Writes one flat JSON object on a single line, keys in insertion order. Absent values and
 * non-finite numbers are written as {@code null}.
 */
public final class JsonObject {
    private final StringBuilder sb = new StringBuilder("{");

    /** @return this object with a string member (null for a null value) */
    public JsonObject put(String key, String value) {
        return member(key, value == null ? "null" : quote(value));
    }

    /** @return this object with an integer member */
    public JsonObject put(String key, long value) {
        return member(key, Long.toString(value));
    }

    /** @return this object with a number member ({@code null} if not finite) */
    public JsonObject put(String key, double value) {
        return member(key, Double.isFinite(value) ? Double.toString(value) : "null");
    }

    /** @return this object with a boolean member (null for a null value) */
    public JsonObject put(String key, Boolean value) {
        return member(key, String.valueOf(value));
    }

    private JsonObject member(String key, String json) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(quote(key)).append(':').append(json);
        return this;
    }

    /** @return the object, e.g. {@code {"method":"lfpi","n":100}} */
    @Override
    public String toString() {
        return sb + "}";
    }

    /** @return {@code s} as a JSON string literal, with quotes, backslashes and control characters escaped */
    public static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format("\\u%04x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
