package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed {@link FrameModule}s: their request handlers by frame type (checked once, at build
 * time) and their lifecycle hooks, each called in registration order and isolated (an exception thrown
 * by a hook is logged and affects neither the connection nor the other modules). Immutable;
 * thread-safe as far as the modules are.
 */
final class FrameModules {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final List<FrameModule> modules;
    private final Map<String, FrameHandler> handlers;

    /** @throws IllegalArgumentException if a frame type lacks its module's prefix or is registered twice */
    FrameModules(List<FrameModule> modules) {
        this.modules = List.copyOf(modules);
        Map<String, FrameHandler> all = new HashMap<>();
        for (FrameModule m : this.modules) {
            for (Map.Entry<String, FrameHandler> h : m.handlers().entrySet()) {
                if (!h.getKey().startsWith(m.name() + ".")) {
                    throw new IllegalArgumentException("frame type " + h.getKey() + " of module " + m.name()
                            + " must start with " + m.name() + ".");
                }
                if (all.put(h.getKey(), h.getValue()) != null) {
                    throw new IllegalArgumentException("frame type registered twice: " + h.getKey());
                }
            }
        }
        this.handlers = Map.copyOf(all);
    }

    /** The handler of {@code type}, or null if no module handles it. */
    @Nullable FrameHandler handler(String type) {
        return handlers.get(type);
    }

    void start(Gateway gateway) {
        for (FrameModule m : modules) {
            m.onStart(gateway);
        }
    }

    void stop() {
        for (FrameModule m : modules) {
            try {
                m.onStop();
            } catch (RuntimeException e) {
                LOG.warn("module {} failed to stop", m.name(), e);
            }
        }
    }

    void attached(GatewayConnection c, ObjectNode welcome) {
        for (FrameModule m : modules) {
            try {
                m.onAttached(c, welcome);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on attach of {}", m.name(), c, e);
            }
        }
    }

    void describeLimits(ObjectNode limits) {
        for (FrameModule m : modules) {
            try {
                m.describeLimits(limits);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed describing its limits", m.name(), e);
            }
        }
    }

    void resuming(GatewayConnection c, JsonNode frame) {
        for (FrameModule m : modules) {
            try {
                m.onResuming(c, frame);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed before resume of {}", m.name(), c, e);
            }
        }
    }

    void resumed(GatewayConnection c, JsonNode frame, ObjectNode resumed) {
        for (FrameModule m : modules) {
            try {
                m.onResumed(c, frame, resumed);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on resume of {}", m.name(), c, e);
            }
        }
    }

    /** The connection left this node: {@code onDetached} if it may resume, else {@code onClosed}. */
    void left(GatewayConnection c, boolean resumable) {
        for (FrameModule m : modules) {
            try {
                if (resumable) {
                    m.onDetached(c);
                } else {
                    m.onClosed(c);
                }
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on detach of {}", m.name(), c, e);
            }
        }
    }
}
