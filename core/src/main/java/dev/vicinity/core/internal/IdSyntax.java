package dev.vicinity.core.internal;

import dev.vicinity.core.InvalidInputException;

/** Shared validation of the compact string form of every id type. Stateless. */
public final class IdSyntax {
    /** Longest accepted id, in characters. Keeps keys in every backend short and bounded. */
    public static final int MAX_LENGTH = 128;

    private IdSyntax() {}

    /**
     * Checks an id value: 1..128 characters from {@code [A-Za-z0-9._:@+=-]}. These characters are
     * safe unescaped in Redis keys, SQL text columns, JSON and log lines.
     *
     * @return the value itself
     * @throws InvalidInputException with code {@code invalid_id} otherwise
     */
    public static String check(String kind, String value) {
        if (value == null) {
            throw new InvalidInputException("invalid_id", kind + " must not be null");
        }
        int n = value.length();
        if (n == 0 || n > MAX_LENGTH) {
            throw new InvalidInputException("invalid_id",
                    kind + " must be 1.." + MAX_LENGTH + " characters, got " + n);
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '+' || c == '=' || c == '-';
            if (!ok) {
                throw new InvalidInputException("invalid_id",
                        kind + " contains an illegal character at index " + i
                                + " (allowed: letters, digits and . _ : @ + = -)");
            }
        }
        return value;
    }
}
