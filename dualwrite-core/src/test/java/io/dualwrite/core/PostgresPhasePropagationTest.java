package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.PostgresPhaseNotifications;
import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How fast a transition committed by one instance is applied by another on PostgreSQL: with LISTEN/NOTIFY, within
 * milliseconds although the listener's refresh interval is an hour; with polling only, within the refresh interval.
 */
class PostgresPhasePropagationTest {

    private static final String PREFIX = "propagation";

    @Test
    void withNotificationsAnotherInstanceAppliesATransitionWithinMilliseconds() throws Exception {
        List<Long> millis = measure(Duration.ofHours(1), true, 20);
        System.out.println("Phase propagation with LISTEN/NOTIFY (ms, sorted): " + millis);
        assertThat(median(millis)).isLessThan(100);
        assertThat(Collections.max(millis)).isLessThan(1_000);
    }

    @Test
    void withPollingAloneTheRefreshIntervalBoundsIt() throws Exception {
        List<Long> millis = measure(Duration.ofMillis(200), false, 10);
        System.out.println("Phase propagation polling every 200 ms (ms, sorted): " + millis);
        assertThat(Collections.max(millis)).isLessThan(200 + 300);
    }

    /** Moves the migration back and forth on one instance and times until the other applies each move. */
    private static List<Long> measure(Duration refresh, boolean notify, int moves) throws Exception {
        DataSource postgres = io.dualwrite.testsupport.TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(postgres);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "propagation-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        DualWrite mover = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .build();
        DualWriteBuilder listening = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .refreshInterval(refresh);
        if (notify) {
            listening.phaseNotifications(new PostgresPhaseNotifications(postgres));
        }
        DualWrite listener = listening.build();
        try {
            Thread.sleep(300); // the listener's LISTEN is in place
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < moves; i++) {
                MigrationPhase target = i % 2 == 0 ? MigrationPhase.DUAL_WRITE : MigrationPhase.OLD_ONLY;
                listener.phase(migration.name()); // warm the listener's cache with the current phase
                long committed = System.nanoTime();
                mover.transition(migration.name(), target, TransitionRequest.by("test", "measure"));
                while (listener.phase(migration.name()) != target) {
                    Thread.onSpinWait();
                    if (System.nanoTime() - committed > Duration.ofSeconds(5).toNanos()) {
                        throw new AssertionError("The listener did not apply " + target + " within 5 s");
                    }
                }
                millis.add((System.nanoTime() - committed) / 1_000_000);
            }
            Collections.sort(millis);
            return millis;
        } finally {
            listener.close();
            mover.close();
        }
    }

    private static long median(List<Long> sorted) {
        return sorted.get(sorted.size() / 2);
    }
}
