package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.model.StoreException;
import io.dualwrite.testsupport.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcStore} adds to the {@code MigrationStore} contract, on every database: its SQL per dialect
 * (conflicts with other unique indexes, the isolation level, the detected dialect), stores of shared rows, the
 * columns it binds and the auto-commit writes outside a transaction; one subclass per database. The contract itself
 * ({@code AbstractMigrationStoreContractTest} in dualwrite-contract-tests, which depends on this module) runs on
 * JdbcStore from that module's tests.
 */
abstract class AbstractJdbcStoreTest {

    private static final String PREFIX = "store_contract";

    private TestDatabase database;
    private JdbcTransactions transactions;
    private JdbcStore<Long, Person> people;
    private JdbcStore<Long, PersonName> names;

    protected abstract TestDatabase database();

    @BeforeEach
    void createTables() {
        database = database();
        People.createTables(database.dataSource(), PREFIX);
        transactions = JdbcTransactions.of(database.dataSource());
        people = People.oldStore(transactions, PREFIX);
        names = People.newStore(transactions, PREFIX);
    }

    /** A store on a table whose {@code email} column is UNIQUE too, holding (7, 'ada@example.com'). */
    private JdbcStore<Long, io.dualwrite.core.People.Person> storeWithAnotherUniqueIndex() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_unique",
                "CREATE TABLE " + PREFIX + "_unique (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE)",
                "INSERT INTO " + PREFIX + "_unique (id, email) VALUES (7, 'ada@example.com')");
        return JdbcStore.builder(transactions, Long.class, io.dualwrite.core.People.Person.class)
                .table(PREFIX + "_unique")
                .key("id", io.dualwrite.core.People.Person::id)
                .columns("email")
                .mapper(rs -> new io.dualwrite.core.People.Person(rs.getLong("id"), rs.getString("email")))
                .binder((p, row) -> row.set("email", p.fullName()))
                .build();
    }

    /*
     * MariaDB's ON DUPLICATE KEY UPDATE k = k (and INSERT IGNORE) swallowed a conflict on any unique index: the
     * backfill's insert-if-absent skipped a row whose key was absent, silently.
     */
    @Test
    void insertIfAbsentSkipsPresentKeysButFailsOnAConflictWithAnotherUniqueIndex() {
        JdbcStore<Long, io.dualwrite.core.People.Person> store = storeWithAnotherUniqueIndex();

        store.insertAbsent(List.of(new io.dualwrite.core.People.Person(7, "changed@example.com")));
        assertThatThrownBy(() -> transactions.inTransaction(
                        () -> store.insertAbsent(List.of(new io.dualwrite.core.People.Person(5, "ada@example.com")))))
                .isInstanceOf(io.dualwrite.core.model.StoreException.class);

        assertThat(People.rows(database.dataSource(), PREFIX + "_unique"))
                .containsExactly(java.util.Map.entry(7L, "ada@example.com"));
    }

    /*
     * MariaDB's ON DUPLICATE KEY UPDATE fires on a conflict with any unique index: the upsert of key 5 updated row 7,
     * which held the same email, instead of failing.
     */
    @Test
    void anUpsertThatConflictsOnAnotherUniqueIndexFailsAndLeavesTheOtherRowAlone() {
        JdbcStore<Long, io.dualwrite.core.People.Person> store = storeWithAnotherUniqueIndex();

        assertThatThrownBy(() -> store.upsert(new io.dualwrite.core.People.Person(5, "ada@example.com")))
                .isInstanceOf(io.dualwrite.core.model.StoreException.class);
        store.upsert(new io.dualwrite.core.People.Person(7, "lovelace@example.com"));
        store.upsert(new io.dualwrite.core.People.Person(8, "babbage@example.com"));

        assertThat(People.rows(database.dataSource(), PREFIX + "_unique"))
                .containsExactly(
                        java.util.Map.entry(7L, "lovelace@example.com"),
                        java.util.Map.entry(8L, "babbage@example.com"));
    }

    /* MariaDB's default is REPEATABLE READ, under which a plain read in a transaction sees an old snapshot. */
    @Test
    void dualwritesOwnTransactionsRunAtReadCommitted() {
        int level = transactions.inTransaction(
                () -> transactions.withConnection(java.sql.Connection::getTransactionIsolation));

        assertThat(level).isEqualTo(java.sql.Connection.TRANSACTION_READ_COMMITTED);
    }

    @Test
    void aStoreOfSomeColumnsUpdatesTheRowAnotherStoreCreated() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_shared",
                "CREATE TABLE " + PREFIX + "_shared (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                        + " plan VARCHAR(20) DEFAULT 'free' NOT NULL)");
        JdbcStore<Long, io.dualwrite.core.People.Person> owner = JdbcStore.builder(
                        transactions, Long.class, io.dualwrite.core.People.Person.class)
                .table(PREFIX + "_shared")
                .key("id", io.dualwrite.core.People.Person::id)
                .columns("full_name")
                .mapper(rs -> new io.dualwrite.core.People.Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((p, row) -> row.set("full_name", p.fullName()))
                .build();
        record Plan(long id, String plan) {}
        JdbcStore<Long, Plan> plans = JdbcStore.builder(transactions, Long.class, Plan.class)
                .table(PREFIX + "_shared")
                .key("id", Plan::id)
                .columns("plan")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan")))
                .binder((p, row) -> row.set("plan", p.plan()))
                .sharedRows()
                .build();

        transactions.inTransaction(() -> {
            owner.upsert(new io.dualwrite.core.People.Person(1, "Ada Lovelace"));
            plans.upsert(new Plan(1, "pro"));
        });
        plans.upsert(new Plan(1, "enterprise"));

        assertThat(plans.read(1L)).contains(new Plan(1, "enterprise"));
        assertThat(owner.read(1L)).contains(new io.dualwrite.core.People.Person(1, "Ada Lovelace"));
    }

    /*
     * A store of shared rows deleted the whole row: in the sample, deleting a customer's subscription deleted the
     * customer (its name and email, which another migration's store owns).
     */
    @Test
    void aStoreOfSharedRowsClearsItsColumnsInsteadOfDeletingTheRowAndFillsRowsWithoutAValue() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_shared2",
                "CREATE TABLE " + PREFIX + "_shared2 (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                        + " plan VARCHAR(20))",
                "INSERT INTO " + PREFIX + "_shared2 (id, full_name, plan) VALUES (1, 'Ada Lovelace', 'pro'),"
                        + " (2, 'Alan Turing', NULL), (3, 'Grace Hopper', 'free')");
        record Plan(long id, String plan) {}
        JdbcStore<Long, Plan> plans = JdbcStore.builder(transactions, Long.class, Plan.class)
                .table(PREFIX + "_shared2")
                .key("id", Plan::id)
                .columns("plan")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan")))
                .binder((p, row) -> row.set("plan", p.plan()))
                .sharedRows()
                .build();

        assertThat(plans.read(2L)).isEmpty();
        assertThat(plans.scan(null, null, 10)).containsExactly(new Plan(1, "pro"), new Plan(3, "free"));
        plans.delete(1L);
        plans.insertAbsent(List.of(new Plan(2, "team"), new Plan(3, "overwritten?")));

        assertThat(People.rows(database.dataSource(), PREFIX + "_shared2"))
                .containsExactly(
                        java.util.Map.entry(1L, "Ada Lovelace|null"),
                        java.util.Map.entry(2L, "Alan Turing|team"),
                        java.util.Map.entry(3L, "Grace Hopper|free"));
        assertThat(plans.read(1L)).isEmpty();
        assertThat(plans.readAll(List.of(1L, 2L, 3L)).keySet()).containsExactlyInAnyOrder(2L, 3L);
    }

    /*
     * A shared-rows delete reset the columns to their defaults: a default that is not NULL ('free') left a row that
     * read as a value, so the deleted value came back on this side.
     */
    /*
     * Batches over shared rows: one batch updates the rows another writer created, the rows missing are filled one by
     * one; a batch delete clears this store's columns and leaves the rows.
     */
    @Test
    void batchesOverSharedRowsUpdateTheRowsPresentAndDeleteByClearingTheirColumns() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_shared5",
                "CREATE TABLE " + PREFIX + "_shared5 (id BIGINT PRIMARY KEY, full_name VARCHAR(100),"
                        + " plan VARCHAR(20))",
                "INSERT INTO " + PREFIX + "_shared5 (id, full_name, plan) VALUES (1, 'Ada Lovelace', 'pro'),"
                        + " (2, 'Alan Turing', NULL)");
        record Plan(long id, String plan) {}
        JdbcStore<Long, Plan> plans = JdbcStore.builder(transactions, Long.class, Plan.class)
                .table(PREFIX + "_shared5")
                .key("id", Plan::id)
                .columns("plan")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan")))
                .binder((p, row) -> row.set("plan", p.plan()))
                .sharedRows()
                .build();

        transactions.inTransaction(
                () -> plans.upsertAll(List.of(new Plan(1, "team"), new Plan(2, "free"), new Plan(3, "pro"))));
        assertThat(People.rows(database.dataSource(), PREFIX + "_shared5"))
                .containsExactly(
                        java.util.Map.entry(1L, "Ada Lovelace|team"),
                        java.util.Map.entry(2L, "Alan Turing|free"),
                        java.util.Map.entry(3L, "null|pro"));

        transactions.inTransaction(() -> plans.deleteAll(List.of(1L, 3L)));
        assertThat(People.rows(database.dataSource(), PREFIX + "_shared5"))
                .containsExactly(
                        java.util.Map.entry(1L, "Ada Lovelace|null"),
                        java.util.Map.entry(2L, "Alan Turing|free"),
                        java.util.Map.entry(3L, "null|null"));
        assertThat(plans.scan(null, null, 10)).containsExactly(new Plan(2, "free"));
    }

    @Test
    void aDeletedSharedValueStaysDeletedWhereItsColumnsHaveDefaults() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_shared3",
                "CREATE TABLE " + PREFIX + "_shared3 (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                        + " plan VARCHAR(20) DEFAULT 'free', seats INT DEFAULT 1)",
                "INSERT INTO " + PREFIX + "_shared3 (id, full_name, plan, seats) VALUES (1, 'Ada Lovelace', 'pro', 5)");
        record Plan(long id, String plan, int seats) {}
        JdbcStore<Long, Plan> plans = JdbcStore.builder(transactions, Long.class, Plan.class)
                .table(PREFIX + "_shared3")
                .key("id", Plan::id)
                .columns("plan", "seats")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan"), rs.getInt("seats")))
                .binder((p, row) -> row.set("plan", p.plan()).set("seats", p.seats()))
                .sharedRows()
                .build();

        plans.delete(1L);

        assertThat(plans.read(1L)).isEmpty();
        assertThat(plans.scan(null, null, 10)).isEmpty();
        assertThat(People.rows(database.dataSource(), PREFIX + "_shared3"))
                .containsExactly(java.util.Map.entry(1L, "Ada Lovelace|null|null"));
        assertThat(plans.notNullColumns()).contains(List.of());
    }

    @Test
    void aStoreNamesItsColumnsThatCannotBeNullAndKnowsNothingOfATableNotThereYet() {
        People.execute(
                database.dataSource(),
                "DROP TABLE IF EXISTS " + PREFIX + "_shared4",
                "CREATE TABLE " + PREFIX + "_shared4 (id BIGINT PRIMARY KEY, plan VARCHAR(20) NOT NULL, note"
                        + " VARCHAR(20), seats INT DEFAULT 1 NOT NULL)");
        record Plan(long id, String plan) {}
        JdbcStore.Builder<Long, Plan> builder = JdbcStore.builder(transactions, Long.class, Plan.class)
                .key("id", Plan::id)
                .columns("plan", "note", "seats")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan")))
                .binder((p, row) -> row.set("plan", p.plan()).set("note", null).set("seats", 1));

        assertThat(builder.table(PREFIX + "_shared4").build().notNullColumns()).contains(List.of("plan", "seats"));
        assertThat(builder.table(PREFIX + "_not_there").build().notNullColumns())
                .isEmpty();
    }

    @Test
    void detectsTheDialectFromTheConnection() {
        assertThat(transactions.dialect().name()).isEqualTo(database.kind().name());
    }

    @Test
    void nullColumnValuesRoundTrip() {
        people.upsert(new Person(7, null));
        assertThat(people.read(7L)).contains(new Person(7, null));
    }

    /*
     * Outside a transaction each write commits on its own connection at once; what reaches the table is what the
     * binder set, column by column (an empty string stays empty).
     */
    @Test
    void writesOutsideATransactionCommitAtOnceAndLandInTheTableAsBound() {
        people.upsert(new Person(1, "Ada Lovelace"));
        people.upsert(new Person(1, "Ada King"));
        names.upsert(new PersonName(2, "Live", "Write"));
        names.insertAbsent(List.of(
                new PersonName(1, "Alan", "Turing"),
                new PersonName(2, "Stale", "Copy"),
                new PersonName(3, "Edsger", "")));
        names.insertAbsent(List.of());

        assertThat(People.rows(database.dataSource(), PREFIX + "_old"))
                .containsExactly(java.util.Map.entry(1L, "Ada King"));
        assertThat(People.rows(database.dataSource(), PREFIX + "_new"))
                .containsExactly(
                        java.util.Map.entry(1L, "Alan|Turing"),
                        java.util.Map.entry(2L, "Live|Write"),
                        java.util.Map.entry(3L, "Edsger|"));

        people.delete(1L);
        assertThat(People.rows(database.dataSource(), PREFIX + "_old")).isEmpty();
    }

    /* A statement that fails (first_name is NOT NULL) fails as a StoreException and rolls back the other store too. */
    @Test
    void aFailedStatementRollsBackEveryStoreOfTheTransaction() {
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    people.upsert(new Person(1, "Barbara Liskov"));
                    names.upsert(new PersonName(1, null, null)); // first_name is NOT NULL
                }))
                .isInstanceOf(StoreException.class);
        assertThat(people.read(1L)).isEmpty();

        transactions.inTransaction(() -> {
            people.upsert(new Person(1, "Barbara Liskov"));
            names.upsert(new PersonName(1, "Barbara", "Liskov"));
        });
        assertThat(people.read(1L)).isPresent();
        assertThat(names.read(1L)).isPresent();
    }

    @Test
    void aBinderThatSkipsAColumnIsNamedInTheError() {
        JdbcStore<Long, Person> forgetful = JdbcStore.builder(transactions, Long.class, Person.class)
                .table(PREFIX + "_old")
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong(1), rs.getString(2)))
                .binder((person, row) -> {})
                .build();
        assertThatThrownBy(() -> forgetful.upsert(new Person(1, "x")))
                .hasMessageContaining("did not set column 'full_name'");
        assertThat(people.read(1L)).isEmpty();
    }
}
