package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.People;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An insert-if-absent chosen as a deadlock victim inside a transaction: InnoDB has rolled the whole transaction back,
 * savepoint included, so the store must not try to roll back to its savepoint (which fails with "SAVEPOINT does not
 * exist", hiding the deadlock from the callers that run a rolled-back transaction again) nor fall back to inserting
 * in what would be a fresh transaction without the locks the caller took.
 */
class MariaDbInsertAbsentDeadlockTest {

    @Test
    @Timeout(60)
    void aDeadlockVictimIsReportedAsRolledBack() throws Exception {
        DataSource dataSource = TestDatabases.mariadb().dataSource();
        People.createTables(dataSource, "ins_dl");
        People.execute(dataSource, "INSERT INTO ins_dl_new (id, first_name, last_name) VALUES (3, 'Held', 'Row')");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, PersonName> store = People.newStore(transactions, "ins_dl");

        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                // The heavier transaction (more rows written), so that InnoDB picks the store's as the victim.
                s.executeUpdate("INSERT INTO ins_dl_new (id, first_name, last_name) VALUES (2, 'Other', 'Tx'),"
                        + " (10, 'a', 'b'), (11, 'a', 'b'), (12, 'a', 'b'), (13, 'a', 'b')");
            }
            CompletableFuture<Void> victim = CompletableFuture.runAsync(() -> transactions.inTransaction(() -> {
                store.readForUpdate(3L);
                store.insertAbsent(List.of(new PersonName(2, "Store", "Tx"))); // waits for the other's key 2
            }));
            await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(dataSource) > 0);
            try (Statement s = other.createStatement()) {
                s.executeQuery("SELECT id FROM ins_dl_new WHERE id = 3 FOR UPDATE")
                        .close(); // closes the cycle
            }
            other.rollback();

            Throwable failure = victim.handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
            assertThat(failure).isNotNull();
            assertThat(rolledBackByTheDatabase(failure)).as("%s", failure).isTrue();
        }
        assertThat(People.rows(dataSource, "ins_dl_new")).containsOnlyKeys(3L);
    }

    private static boolean rolledBackByTheDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("40")) {
                return true;
            }
        }
        return false;
    }

    private static int lockWaits(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN"
                        + " information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                        + " WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
