package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances a move apart writing the same keys across MariaDB (OLD) and PostgreSQL (NEW), with the core's
 * defaults (no Spring Boot starter).
 */
class CrossDatabaseSkewTest {

    private static final String PREFIX = "cross_skew";

    private DataSource mariadb;
    private DataSource postgres;
    private final List<DualWrite> instances = new ArrayList<>();

    @BeforeEach
    void setUp() {
        mariadb = TestDatabases.mariadb().dataSource();
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(mariadb);
        DualWriteSchema.create(postgres);
        People.createTables(mariadb, PREFIX);
        People.createTables(postgres, PREFIX);
    }

    @AfterEach
    void close() {
        instances.forEach(DualWrite::close);
    }

    /*
     * Interleaving: A applies READ_NEW (writes NEW, then OLD); B still applies BACKFILL (writes OLD, then NEW), as an
     * instance does for up to its refresh interval after a move. Both write the same three keys at once.
     * Old code: A held NEW's row lock and waited for OLD's, B held OLD's and waited for NEW's: a deadlock across two
     * databases that neither database sees, which stalled both requests until MariaDB's lock wait timeout (50 s).
     * Now the copy to the second database is bounded by the core's default time limit (1 s), so no request waits
     * much longer; a copy given up on stays in the ledger and the sides agree after repair.
     */
    @Test
    void instancesAMoveApartWritingOneKeyNeverStallARequestBeyondTheTimeLimit() throws InterruptedException {
        String name = "skew-" + UUID.randomUUID();
        DualWrite lagging = instance(name, Duration.ofHours(1));
        DualWrite current = instance(name, Duration.ZERO);
        while (current.phase(name) != MigrationPhase.BACKFILL) {
            current.advance(name, TransitionRequest.by("test", "forward"));
        }
        lagging.state(name); // B applies BACKFILL, and keeps it for its hour-long refresh interval
        current.advance(name, TransitionRequest.by("test", "read new"));
        assertThat(lagging.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        assertThat(current.phase(name)).isEqualTo(MigrationPhase.READ_NEW);

        AtomicLong slowest = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (DualWrite instance : List.of(lagging, current, lagging, current)) {
            @SuppressWarnings("unchecked")
            DualRepository<Long, Person, PersonName> people =
                    (DualRepository<Long, Person, PersonName>) instance.repository(name);
            Thread writer = new Thread(() -> {
                int n = 0;
                try {
                    while (System.nanoTime() < until) {
                        long id = 1 + (n % 3);
                        String full = Thread.currentThread().getName() + " Write" + n++;
                        long started = System.nanoTime();
                        try {
                            people.write(new Person(id, full));
                            acknowledged.add(id + "=" + full);
                        } catch (DualWriteException e) {
                            // A deadlock one database can see aborts one writer at once: not acknowledged, no stall.
                            refused.incrementAndGet();
                        }
                        slowest.accumulateAndGet(System.nanoTime() - started, Math::max);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join(120_000);
        }

        assertThat(failure.get()).isNull();
        assertThat(acknowledged).isNotEmpty();
        assertThat(refused.get()).isLessThan(acknowledged.size());
        assertThat(Duration.ofNanos(slowest.get())).isLessThan(Duration.ofSeconds(5));
        current.repair(name, 100);
        Map<Long, String> old = new TreeMap<>(People.rows(mariadb, PREFIX + "_old"));
        Map<Long, String> fresh = new TreeMap<>(People.rows(postgres, PREFIX + "_new"));
        assertThat(old).containsOnlyKeys(1L, 2L, 3L);
        Map<Long, String> expected = new TreeMap<>();
        old.forEach((id, full) -> {
            PersonName split = People.split(new Person(id, full));
            expected.put(id, split.firstName() + "|" + split.lastName());
        });
        assertThat(fresh).isEqualTo(expected);
        assertThat(old.entrySet()).allSatisfy(e -> assertThat(acknowledged).contains(e.getKey() + "=" + e.getValue()));
    }

    /*
     * Interleaving (the model check's finding 1): A moves BACKFILL -> READ_NEW; B has not refreshed and still routes
     * by BACKFILL, so it would commit on OLD, the side that is no longer the source of truth, while A commits on NEW.
     * With two sources of truth, no repair direction is right once both sides hold a later write.
     * Old code: B's write committed on OLD routed by BACKFILL, and B kept applying BACKFILL for its hour-long refresh
     * interval. Now the move raised a fence in both databases first: B's write is refused on OLD before anything is
     * written, B refreshes, and the write goes to NEW first, by READ_NEW.
     */
    @Test
    void aHandoverFencesTheInstancesThatStillRouteByThePreviousPhase() {
        String name = "fence-" + UUID.randomUUID();
        DualWrite lagging = instance(name, Duration.ofHours(1));
        DualWrite current = instance(name, Duration.ZERO);
        while (current.phase(name) != MigrationPhase.BACKFILL) {
            current.advance(name, TransitionRequest.by("test", "forward"));
        }
        lagging.state(name);
        @SuppressWarnings("unchecked")
        DualRepository<Long, Person, PersonName> a =
                (DualRepository<Long, Person, PersonName>) current.repository(name);
        @SuppressWarnings("unchecked")
        DualRepository<Long, Person, PersonName> b =
                (DualRepository<Long, Person, PersonName>) lagging.repository(name);
        b.write(new Person(1, "Before Handover"));

        current.advance(name, TransitionRequest.by("test", "read new"));
        a.write(new Person(1, "Earlier Write"));
        assertThat(lagging.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        b.write(new Person(1, "Later Write"));

        assertThat(lagging.phase(name)).isEqualTo(MigrationPhase.READ_NEW);
        assertThat(People.rows(mariadb, PREFIX + "_old")).containsEntry(1L, "Later Write");
        assertThat(People.rows(postgres, PREFIX + "_new")).containsEntry(1L, "Later|Write");
        assertThat(current.ledgerSize(name)).isZero();
    }

    private DualWrite instance(String name, Duration refreshInterval) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        name,
                        Long.class,
                        People.oldStore(JdbcTransactions.of(mariadb), PREFIX),
                        People.newStore(JdbcTransactions.of(postgres), PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                .build();
        DualWrite instance = DualWrite.builder(new JdbcPhaseStore(postgres))
                .singleInstance()
                .migration(migration)
                .refreshInterval(refreshInterval)
                .build();
        instances.add(instance);
        return instance;
    }
}
