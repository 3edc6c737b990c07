package dev.vicinity.gateway;

import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import java.util.Objects;

/**
 * Who a connection belongs to, as established by the host's {@link Authenticator}.
 *
 * @param user the user
 * @param device the device (presence fences one live connection per user and device)
 */
public record Principal(UserId user, DeviceId device) {
    /**
     * Checks that {@code user}, {@code device} are not null.
     * @throws NullPointerException if a required component is null
     */
    public Principal {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
    }
}
