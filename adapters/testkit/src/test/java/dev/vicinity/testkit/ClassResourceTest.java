package dev.vicinity.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ClassResourceTest {

    @Test
    void opensBeforeAllAndClosesAfterAllWhatItOpened() {
        List<String> log = new ArrayList<>();
        ClassResource<String> r = ClassResource.of(() -> {
            log.add("open");
            return "db";
        }, db -> log.add("close " + db));

        assertThatThrownBy(r::get).isInstanceOf(IllegalStateException.class);
        r.beforeAll(null);
        assertThat(r.get()).isEqualTo("db");
        r.afterAll(null);

        assertThat(log).containsExactly("open", "close db");
        assertThatThrownBy(r::get).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResourceThatAbortsOpeningIsNeverClosedAndTheAbortReachesJUnit() {
        List<String> closed = new ArrayList<>();
        ClassResource<String> r = ClassResource.of(() -> {
            Assumptions.abort("SKIPPED: no server");
            return "unreachable";
        }, closed::add);

        assertThatThrownBy(() -> r.beforeAll(null)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no server");
        r.afterAll(null);

        assertThat(closed).isEmpty();
    }
}
