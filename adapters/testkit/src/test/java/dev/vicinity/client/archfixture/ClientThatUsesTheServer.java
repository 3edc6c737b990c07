package dev.vicinity.client.archfixture;

import dev.vicinity.core.UserId;

/**
 * Test fixture: a "client" class that uses a server module's type, which the architecture rules forbid.
 * The architecture test checks that its client rule rejects this class, proving it can fail. Never shipped.
 */
public final class ClientThatUsesTheServer {
    public String user(String id) {
        return UserId.of(id).toString();
    }
}
