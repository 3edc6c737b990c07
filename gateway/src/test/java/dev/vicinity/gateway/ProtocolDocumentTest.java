package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatErrors;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.gateway.GatewayErrorCodes;
import dev.vicinity.geo.GeoErrorCodes;
import dev.vicinity.rating.InvalidRatingException;
import dev.vicinity.rating.RatingRejection;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md against the code: every error code the server can put on the wire and every close
 * code is documented, and the document lists no code the server never sends. The codes come from the
 * code's own constants (gateway, core, chat, geo, rating); the few constants that never reach a client
 * are listed below with the reason, so a new constant fails this test until it is documented or listed.
 */
class ProtocolDocumentTest {
    /** Codes of the code base that no frame ever carries, and why. */
    private static final Map<String, String> NOT_ON_THE_WIRE = Map.of(
            ErrorCodes.INVALID_ARGUMENT, "builder and option validation; frame fields answer invalid_field",
            ErrorCodes.UNKNOWN_CONNECTION, "ConnectionRegistry API for hosts",
            RatingRejection.RATING_NOT_FOUND.code(), "RatingService.edit/withdraw: host API, no frame",
            RatingRejection.ALREADY_REVEALED.code(), "RatingService.edit: host API, no frame",
            RatingRejection.ALREADY_WITHDRAWN.code(), "RatingService.edit/withdraw: host API, no frame");

    private static String document() throws IOException {
        Path p = Path.of("../docs/protocol.md");
        if (!Files.exists(p)) {
            p = Path.of("docs/protocol.md");
        }
        return Files.readString(p);
    }

    private static Set<String> constants(Class<?> type) throws IllegalAccessException {
        Set<String> codes = new TreeSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                codes.add((String) f.get(null));
            }
        }
        return codes;
    }

    /** Every error code a client can receive, from the code. */
    static Set<String> emittedErrorCodes() throws IllegalAccessException {
        Set<String> codes = new TreeSet<>();
        for (Class<?> c : new Class<?>[] {GatewayErrorCodes.class, ErrorCodes.class, ChatErrors.class,
                GeoErrorCodes.class, InvalidRatingException.class}) {
            codes.addAll(constants(c));
        }
        for (RatingRejection r : RatingRejection.values()) {
            codes.add(r.code());
        }
        codes.removeAll(NOT_ON_THE_WIRE.keySet());
        return codes;
    }

    /** The codes the document names as errors: every "Errors:" list and the gateway's error table. */
    static Set<String> documentedErrorCodes(String doc) {
        Set<String> codes = new TreeSet<>();
        Matcher lists = Pattern.compile("(?s)Errors:(.*?)(?:\\.\\s|\\.$)").matcher(doc);
        while (lists.find()) {
            codes.addAll(codesIn(lists.group(1)));
        }
        String table = doc.substring(doc.indexOf("## Errors raised by the gateway itself"));
        table = table.substring(0, table.indexOf("\n\n", table.indexOf("|---")));
        Matcher rows = Pattern.compile("(?m)^\\| ([^|]+) \\|").matcher(table);
        while (rows.find()) {
            codes.addAll(codesIn(rows.group(1)));
        }
        return codes;
    }

    private static Set<String> codesIn(String text) {
        Set<String> codes = new TreeSet<>();
        Matcher m = Pattern.compile("`([a-z][a-z_]*)`").matcher(text);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    @Test
    void everyErrorCodeTheServerSendsIsDocumentedAsOneAndNothingElseIs() throws Exception {
        String doc = document();
        Set<String> emitted = emittedErrorCodes();
        Set<String> documented = documentedErrorCodes(doc);
        assertThat(emitted).as("codes the server sends but docs/protocol.md does not list in an Errors list or table")
                .isSubsetOf(documented);
        assertThat(documented).as("codes docs/protocol.md lists that the server never sends").isSubsetOf(emitted);
    }

    @Test
    void theCloseCodeTableIsExactlyTheCloseCodesOfTheServer() throws Exception {
        String doc = document();
        String section = doc.substring(doc.indexOf("### Close codes"));
        section = section.substring(0, section.indexOf("\n\n", section.indexOf("|---")));
        Map<Integer, String> documented = new TreeMap<>();
        Matcher rows = Pattern.compile("(?m)^\\| (\\d{4}) \\| `([a-z_]+)` \\|").matcher(section);
        while (rows.find()) {
            documented.put(Integer.parseInt(rows.group(1)), rows.group(2));
        }
        Map<Integer, String> actual = new TreeMap<>();
        for (CloseCode c : CloseCode.values()) {
            actual.put(c.websocketStatus(), c.wireName());
        }
        assertThat(documented).isEqualTo(actual);
    }

    @Test
    void theExtractionItselfCanFail() {
        // Guards against a parser that finds nothing: a made-up document yields exactly its codes.
        String doc = "x. Errors: `alpha`, `beta_gamma` (then `delta`). Not `epsilon`.\n\n"
                + "## Errors raised by the gateway itself\n| code | when |\n|---|---|\n| `zeta` | z |\n\nafter `eta`";
        assertThat(documentedErrorCodes(doc)).containsExactly("alpha", "beta_gamma", "delta", "zeta");
    }
}
