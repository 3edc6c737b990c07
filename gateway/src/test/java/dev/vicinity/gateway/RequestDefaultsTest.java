package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@link Request} written before {@code replyFields} existed still answers it, through {@code reply(ObjectNode)}. */
class RequestDefaultsTest {
    @Test
    void replyFieldsDefaultsToATreeForReply() {
        List<ObjectNode> replies = new ArrayList<>();
        InvocationHandler h = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getName().equals("reply")) {
                replies.add((ObjectNode) args[0]);
                return null;
            }
            throw new UnsupportedOperationException(method.getName());
        };
        Request r = (Request) Proxy.newProxyInstance(Request.class.getClassLoader(), new Class<?>[] {Request.class}, h);
        r.replyFields(g -> {
            g.writeNumberField("seq", 7);
            g.writeBooleanField("duplicate", true);
            g.writeStringField("text", "hé 👋");
        });
        assertThat(replies).singleElement().hasToString("{\"seq\":7,\"duplicate\":true,\"text\":\"hé 👋\"}");
    }
}
