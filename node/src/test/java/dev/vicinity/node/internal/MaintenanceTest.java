package dev.vicinity.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MaintenanceTest {

    @Test
    void aFailingDutyNeverStopsTheOthersNorItsOwnNextRun() {
        AtomicInteger failing = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        AtomicInteger otherGroup = new AtomicInteger();
        Maintenance m = new Maintenance()
                .group(Duration.ofSeconds(1), new Maintenance.Duty("broken", () -> {
                    failing.incrementAndGet();
                    throw new IllegalStateException("store down");
                }), new Maintenance.Duty("after", after::incrementAndGet))
                .group(Duration.ofSeconds(1), new Maintenance.Duty("other", otherGroup::incrementAndGet));
        m.runAll();
        m.runAll();
        assertThat(failing).hasValue(2);
        assertThat(after).hasValue(2);
        assertThat(otherGroup).hasValue(2);
    }
}
