package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The capture tests of {@link AbstractBypassCaptureTest} with both sides in one database, and what only one database
 * has: a dual delete and a drain in one database's lock order, where a row absent under READ COMMITTED takes no lock
 * (docs/capture.md, "Absent rows take no lock"). One subclass per database.
 */
abstract class AbstractOneDatabaseBypassCaptureTest extends AbstractBypassCaptureTest {

    /*
     * Interleaving (READ_NEW, one database; dual writes lock NEW, then OLD):
     *   1. A legacy job inserts key 1 into OLD ("Ada Lovelace"): captured on OLD; NEW lacks the key.
     *   2. The drain locks NEW's row (absent: no lock is taken), finds the tokens unchanged and reads OLD
     *      ("Ada Lovelace").
     *   3. A dual delete of key 1: NEW (absent: nothing deleted, no lock), then OLD; committed. Not captured (it is
     *      dualwrite's).
     *   4. The drain inserts "Ada|Lovelace" into NEW, where the row is absent, commits, and removes the record.
     * NEW then holds a value that OLD no longer has, and nothing is pending. The test holds the drain's insert of
     * step 4 back with a lock on NEW's key that neither the drain's reads nor the delete wait for (MariaDB: a gap lock
     * of a REPEATABLE READ session; PostgreSQL: an uncommitted, marked insert of the key), until step 3 committed.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aDualDeleteWhileTheDrainCopiesOldToAnAbsentNewRowReachesBothSides() throws Exception {
        moveTo(MigrationPhase.READ_NEW);
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (1, 'Ada Lovelace')");
        assertThat(capture.pending()).isEqualTo(1);

        deletesKeyOneWhileTheDrainsInsertIsHeldBack(capture);
    }

    /*
     * The same in BACKFILL's order (OLD's row under a shared lock, then NEW's), which a drain (or a backfill chunk)
     * that read the phase just before the move to READ_NEW still uses while the dual writes already use READ_NEW's:
     *   1. A legacy job inserts key 1 into OLD ("Ada Lovelace"): captured on OLD; NEW lacks the key.
     *   2. The drain (phase read: BACKFILL) locks OLD's row (shared) and NEW's (absent: no lock).
     *   3. A dual delete routed by READ_NEW: NEW (absent: nothing deleted, no lock), then OLD: waits for the drain.
     *   4. The drain inserts "Ada|Lovelace" into NEW and commits; the delete then deletes OLD and commits.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aDualDeleteInReadNewWhileADrainInBackfillsOrderCopiesOldReachesBothSides() throws Exception {
        moveTo(MigrationPhase.READ_NEW);
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (1, 'Ada Lovelace')");
        BypassCapture<Long, Person, PersonName> stale =
                new BypassCapture<>(migration, () -> MigrationPhase.BACKFILL, java.time.Clock.systemUTC());

        deletesKeyOneWhileTheDrainsInsertIsHeldBack(stale);
    }

    /**
     * Starts {@code drainer}'s drain with its insert into NEW held back, then a dual delete of key 1, lets both finish,
     * drains what is left, and requires both sides empty by plain SQL.
     */
    void deletesKeyOneWhileTheDrainsInsertIsHeldBack(BypassCapture<?, ?, ?> drainer) throws Exception {
        try (Connection blocker = holdBackInsertsIntoNew(1)) {
            Thread drain = new Thread(() -> drainer.drain(10));
            drain.start();
            awaitALockWait();
            Thread delete = new Thread(() -> people.delete(1L));
            delete.start();
            // The delete commits, or waits for the drain (which may lock OLD's row until its copy committed).
            await().atMost(Duration.ofSeconds(10)).until(() -> !delete.isAlive() || lockWaits() >= 2);
            blocker.rollback();
            drain.join(10_000);
            delete.join(10_000);
            assertThat(drain.isAlive()).isFalse();
            assertThat(delete.isAlive()).isFalse();
        }
        while (capture.drain(10) > 0) {
            // until nothing is left
        }

        assertThat(capture.pending()).isZero();
        assertThat(oldNames()).isEmpty();
        assertThat(newRows()).isEmpty();
    }

    /**
     * A connection holding a lock on NEW's key that makes an insert of it wait, but not a read of it (locking or not)
     * nor a delete: MariaDB's gap lock of a REPEATABLE READ locking read of the absent key; on PostgreSQL an
     * uncommitted insert of the key (marked as dualwrite's, so not captured). Released by its rollback.
     */
    Connection holdBackInsertsIntoNew(long key) throws SQLException {
        Connection c = newDataSource.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (newDatabase().kind() == TestDatabase.Kind.MARIADB) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                s.executeQuery("SELECT id FROM " + NEW + " WHERE id = " + key + " FOR UPDATE")
                        .close();
            } else {
                s.executeQuery("SELECT set_config('dualwrite.writer', 'on', true)")
                        .close();
                s.executeUpdate(
                        "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (" + key + ", 'Held', 'Back')");
            }
        }
        return c;
    }

    void awaitALockWait() {
        awaitLockWaits(1);
    }

    /** Waits until this many sessions of NEW's database wait for a lock. */
    void awaitLockWaits(int sessions) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits() >= sessions);
    }

    /** How many sessions of NEW's database wait for a lock. */
    int lockWaits() throws SQLException {
        String sql = newDatabase().kind() == TestDatabase.Kind.MARIADB
                ? "SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p"
                        + " ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock'";
        try (Connection c = newDataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
    /*
     * Interleaving (BACKFILL, one database; a dual delete and a write that creates the key, both routed by BACKFILL:
     * OLD, then NEW), the key absent on both sides:
     *   1. The delete deletes OLD's row: absent, nothing deleted, no lock.
     *   2. The write inserts OLD's row (uncommitted).
     *   3. The delete deletes NEW's row: absent (the write has not reached NEW), no lock.
     *   4. The write inserts NEW's row and commits.
     *   5. The delete deletes OLD's row again (it deletes a row created after it passed the first side): the write's.
     * Without step 6 (delete those keys on NEW again), OLD lacks the key while NEW holds the write's value, and nothing
     * is recorded anywhere. The test runs the write on a connection of its own from hooks after the delete's
     * statements.
     */
    @Test
    void aDualDeleteStraddledByAWriteCreatingTheKeyLeavesBothSidesAlike() throws Exception {
        dualWrite.close();
        io.dualwrite.core.jdbc.JdbcTransactions transactions = io.dualwrite.core.jdbc.JdbcTransactions.of(dataSource);
        try (Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            Runnable afterOldDelete =
                    once(() -> sql(writer, "INSERT INTO " + OLD + " (id, full_name) VALUES (9, 'W Nine')"));
            Runnable afterNewDelete = once(() -> {
                sql(writer, "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (9, 'W', 'Nine')");
                try {
                    writer.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Migration<Long, Person, PersonName> hooked = Migration.builder(
                            "straddle-" + java.util.UUID.randomUUID(),
                            Long.class,
                            new ForwardingStore<>(People.oldStore(transactions, PREFIX)) {
                                @Override
                                public void delete(Long key) {
                                    super.delete(key);
                                    afterOldDelete.run();
                                }
                            },
                            new ForwardingStore<>(People.newStore(transactions, PREFIX)) {
                                @Override
                                public void delete(Long key) {
                                    super.delete(key);
                                    afterNewDelete.run();
                                }
                            })
                    .toNew(People::split)
                    .toOld(People::join)
                    .build();
            try (DualWrite instance = DualWrite.builder(new io.dualwrite.core.jdbc.JdbcPhaseStore(dataSource))
                    .singleInstance()
                    .migration(hooked)
                    .build()) {
                for (MigrationPhase phase : java.util.List.of(MigrationPhase.DUAL_WRITE, MigrationPhase.BACKFILL)) {
                    instance.transition(hooked.name(), phase, TransitionRequest.forcedBy("test", "to " + phase));
                }
                instance.repository(hooked).delete(9L);
            }
        }

        assertThat(oldNames()).doesNotContainKey(9L);
        assertThat(newRows()).doesNotContainKey(9L);
    }

    private static Runnable once(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    private static void sql(Connection c, String statement) {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
