package dev.vicinity.gateway;

import dev.vicinity.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the host's WebSocket server knew about a socket when it accepted it: the HTTP upgrade request's
 * headers and cookies, the client's address and the host's own principal (e.g. the servlet or Spring
 * Security principal of an already authenticated HTTP session). The host passes it to
 * {@link Gateway#open(Transport, UpgradeRequest)}; the gateway hands it, untouched, to the
 * {@link ContextAuthenticator} with the client's {@code hello}. The gateway itself never reads it.
 *
 * <p>Header names are case-insensitive and may carry several values (in the order given). Cookie names
 * are case-sensitive (RFC 6265). Immutable and thread-safe. It may hold secrets (session cookies,
 * {@code Authorization}); {@link #toString()} prints names only.
 */
public final class UpgradeRequest {
    private static final UpgradeRequest EMPTY = builder().build();

    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final @Nullable String remoteAddress;
    private final @Nullable Object hostPrincipal;

    private UpgradeRequest(Builder b) {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((name, values) -> h.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(h);
        this.cookies = Collections.unmodifiableMap(new LinkedHashMap<>(b.cookies));
        this.remoteAddress = b.remoteAddress;
        this.hostPrincipal = b.hostPrincipal;
    }

    /** No headers, no cookies, no address, no host principal: what {@link Gateway#open(Transport)} passes. */
    public static UpgradeRequest empty() {
        return EMPTY;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every header, by case-insensitive name, each with its values in order; unmodifiable. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Every value of header {@code name} (case-insensitive), in order; empty if absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(Checks.notNull("name", name), List.of());
    }

    /** The first value of header {@code name} (case-insensitive), if any. */
    public Optional<String> header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every cookie by name; unmodifiable. */
    public Map<String, String> cookies() {
        return cookies;
    }

    /** The value of cookie {@code name}, if any. */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(Checks.notNull("name", name)));
    }

    /**
     * The client's address as the host determined it (after any trusted proxy headers), if the host
     * gave one; see {@link AuthContext#remoteAddress()} for the fallback to the transport's.
     */
    public Optional<String> remoteAddress() {
        return Optional.ofNullable(remoteAddress);
    }

    /** The host's own principal object for this request, if any. */
    public Optional<Object> hostPrincipal() {
        return Optional.ofNullable(hostPrincipal);
    }

    /** The host's principal if it is a {@code type} (e.g. {@code java.security.Principal.class}). */
    public <T> Optional<T> hostPrincipal(Class<T> type) {
        Checks.notNull("type", type);
        return type.isInstance(hostPrincipal) ? Optional.of(type.cast(hostPrincipal)) : Optional.empty();
    }

    /** Names only: header and cookie values may be credentials. */
    @Override
    public String toString() {
        return "UpgradeRequest[headers=" + headers.keySet() + ", cookies=" + cookies.keySet() + ", remote="
                + remoteAddress + ", hostPrincipal=" + (hostPrincipal != null) + "]";
    }

    /** Builds an {@link UpgradeRequest}; null names or values are refused ({@link NullPointerException}). Not thread-safe. */
    public static final class Builder {
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private @Nullable String remoteAddress;
        private @Nullable Object hostPrincipal;

        private Builder() {
        }

        /** Adds one value of header {@code name} (names are case-insensitive; values accumulate). */
        public Builder header(String name, String value) {
            Checks.notNull("header name", name);
            Checks.notNull("header value", value);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        /** Adds every value of every header of {@code headers} (e.g. a servlet or Jetty header map). */
        public Builder headers(Map<String, ? extends Collection<String>> headers) {
            Checks.notNull("headers", headers);
            headers.forEach((name, values) -> {
                Checks.notNull("header values", values).forEach(v -> header(name, v));
            });
            return this;
        }

        /** Sets cookie {@code name} (a later value of the same name replaces an earlier one). */
        public Builder cookie(String name, String value) {
            cookies.put(Checks.notNull("cookie name", name), Checks.notNull("cookie value", value));
            return this;
        }

        /** Sets every cookie of {@code cookies}. */
        public Builder cookies(Map<String, String> cookies) {
            Checks.notNull("cookies", cookies).forEach(this::cookie);
            return this;
        }

        /** The client's address as the host trusts it. */
        public Builder remoteAddress(String address) {
            this.remoteAddress = Checks.notNull("remoteAddress", address);
            return this;
        }

        /** The host's own principal object (e.g. {@code HttpServletRequest.getUserPrincipal()}). */
        public Builder hostPrincipal(Object principal) {
            this.hostPrincipal = Checks.notNull("hostPrincipal", principal);
            return this;
        }

        /** The request with the headers, cookies and attributes set so far. */
        public UpgradeRequest build() {
            return new UpgradeRequest(this);
        }
    }
}
