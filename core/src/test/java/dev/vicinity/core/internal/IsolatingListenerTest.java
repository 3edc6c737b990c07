package dev.vicinity.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.VicinityListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsolatingListenerTest {

    private static List<Method> listenerMethods() {
        List<Method> methods = new ArrayList<>();
        for (Method m : VicinityListener.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                methods.add(m);
            }
        }
        return methods;
    }

    private static Object[] nulls(Method m) {
        Object[] args = new Object[m.getParameterCount()];
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            if (types[i] == int.class) {
                args[i] = 0;
            } else if (types[i] == long.class) {
                args[i] = 0L;
            } else if (types[i] == boolean.class) {
                args[i] = false;
            }
        }
        return args;
    }

    @Test
    void everyListenerMethodIsOverriddenByTheIsolatingWrapper() throws Exception {
        for (Method m : listenerMethods()) {
            Method impl = IsolatingListener.class.getMethod(m.getName(), m.getParameterTypes());
            assertThat(impl.getDeclaringClass()).as(m.getName()).isEqualTo(IsolatingListener.class);
        }
    }

    @Test
    void aThrowingListenerNeverBreaksTheCallerAndEveryEventStillReachesIt() throws Exception {
        List<String> calls = new ArrayList<>();
        VicinityListener throwing = (VicinityListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VicinityListener.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    throw new IllegalStateException("listener bug (expected by the test)");
                });
        VicinityListener safe = VicinityListener.isolating(throwing);
        for (Method m : listenerMethods()) {
            m.invoke(safe, nulls(m)); // must not throw
        }
        assertThat(calls).hasSize(listenerMethods().size());
    }

    @Test
    void wrappingIsIdempotentAndNoOpStaysNoOp() {
        VicinityListener once = VicinityListener.isolating(new VicinityListener() {});
        assertThat(VicinityListener.isolating(once)).isSameAs(once);
        assertThat(VicinityListener.isolating(VicinityListener.NO_OP)).isSameAs(VicinityListener.NO_OP);
    }
}
