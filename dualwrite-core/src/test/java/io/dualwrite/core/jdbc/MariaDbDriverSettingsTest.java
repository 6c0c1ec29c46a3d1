package io.dualwrite.core.jdbc;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JdbcStore's writes under MariaDB Connector/J settings that change what an update reports: {@code useAffectedRows}
 * (an update to identical values counts 0 rows) and {@code useBulkStmts} (batches report no counts).
 */
class MariaDbDriverSettingsTest {

    private static final String PREFIX = "driver_settings";

    private final TestDatabase mariadb = TestDatabases.mariadb();

    @BeforeEach
    void tables() {
        People.createTables(mariadb.dataSource(), PREFIX);
    }

    /*
     * MariaDB with useAffectedRows=true (a documented Connector/J option; CLIENT_FOUND_ROWS off): an UPDATE to identical
     * values reports 0 rows, so updateAll takes a present row for missing, and the single upsert's "update, else
     * insert-unless-present, else update again" throws.
     */
    @Test
    void mariadbUpsertAllOfUnchangedValuesUnderUseAffectedRows() {
        HikariDataSource affected = new HikariDataSource();
        affected.setJdbcUrl(withParameter("useAffectedRows=true"));
        affected.setUsername(mariadb.user());
        affected.setPassword(mariadb.password());
        try (affected) {
            JdbcTransactions tx = JdbcTransactions.of(affected);
            JdbcStore<Long, Person> store = People.oldStore(tx, PREFIX);
            List<Person> people = List.of(new Person(1, "Ada Lovelace"), new Person(2, "Alan Turing"));
            tx.inTransaction(() -> store.upsertAll(people));
            tx.inTransaction(() -> store.upsertAll(people)); // the same values again
            assertThat(People.rows(mariadb.dataSource(), PREFIX + "_old"))
                    .containsExactly(entry(1L, "Ada Lovelace"), entry(2L, "Alan Turing"));
        }
    }

    /* The same for a single upsert. */
    @Test
    void mariadbUpsertOfAnUnchangedValueUnderUseAffectedRows() {
        HikariDataSource affected = new HikariDataSource();
        affected.setJdbcUrl(withParameter("useAffectedRows=true"));
        affected.setUsername(mariadb.user());
        affected.setPassword(mariadb.password());
        try (affected) {
            JdbcTransactions tx = JdbcTransactions.of(affected);
            JdbcStore<Long, Person> store = People.oldStore(tx, PREFIX);
            tx.inTransaction(() -> store.upsert(new Person(1, "Ada Lovelace")));
            tx.inTransaction(() -> store.upsert(new Person(1, "Ada Lovelace")));
            assertThat(People.rows(mariadb.dataSource(), PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        }
    }

    /* Default MariaDB URL, bulk statements on: counts are SUCCESS_NO_INFO; the batch must still be right. */
    @Test
    void mariadbUpsertAllUnderBulkStatements() {
        HikariDataSource bulk = new HikariDataSource();
        bulk.setJdbcUrl(withParameter("useBulkStmts=true"));
        bulk.setUsername(mariadb.user());
        bulk.setPassword(mariadb.password());
        try (bulk) {
            JdbcTransactions tx = JdbcTransactions.of(bulk);
            JdbcStore<Long, Person> store = People.oldStore(tx, PREFIX);
            tx.inTransaction(() -> store.upsertAll(List.of(new Person(1, "Ada Lovelace"))));
            tx.inTransaction(() -> store.upsertAll(List.of(new Person(1, "Ada Byron"), new Person(2, "Alan Turing"))));
            assertThat(People.rows(mariadb.dataSource(), PREFIX + "_old"))
                    .containsExactly(entry(1L, "Ada Byron"), entry(2L, "Alan Turing"));
        }
    }

    private String withParameter(String parameter) {
        String url = mariadb.jdbcUrl();
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }
}
