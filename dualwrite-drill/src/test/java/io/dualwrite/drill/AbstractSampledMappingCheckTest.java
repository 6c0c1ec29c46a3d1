package io.dualwrite.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping checks on a sample of an existing database's rows ({@link MappingCheck#onSample}): a lossless mapping
 * passes on them, a lossy reverse mapping is found on the rows it loses, and the rows are read in read-only
 * transactions: nothing is written, and a write in one fails.
 */
abstract class AbstractSampledMappingCheckTest {

    record Person(long id, String fullName) {}

    record PersonName(long id, String firstName, String lastName) {}

    protected abstract TestDatabase database();

    private DataSource dataSource;
    private JdbcTransactions transactions;

    @BeforeEach
    void rows() throws Exception {
        dataSource = database().dataSource();
        execute(
                "DROP TABLE IF EXISTS sample_old",
                "DROP TABLE IF EXISTS sample_new",
                "CREATE TABLE sample_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL)",
                "CREATE TABLE sample_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100) NOT NULL)",
                "INSERT INTO sample_old (id, full_name) VALUES (1, 'Ada Lovelace'), (2, 'Mary Ann Smith'),"
                        + " (3, 'Alan Turing')",
                "INSERT INTO sample_new (id, first_name, last_name) VALUES (1, 'Ada', 'Lovelace')");
        transactions = JdbcTransactions.of(dataSource);
    }

    @Test
    void aLosslessMappingPassesOnTheSampledRowsOfBothSides() throws Exception {
        MappingReport report =
                MappingCheck.onSample(migration(n -> new Person(n.id(), n.firstName() + " " + n.lastName())), 100);

        assertThat(report.failures()).isEmpty();
        assertThat(report.sample()).isEqualTo("3 OLD rows and 1 NEW rows read from the database");
        assertThat(report.checks()).hasSize(3);
        report.assertPasses();
        assertThat(count("sample_old")).isEqualTo(3);
        assertThat(count("sample_new")).isEqualTo(1);
    }

    @Test
    void aLossyReverseMappingIsFoundOnTheRowsItLoses() {
        MappingReport report = MappingCheck.onSample(
                migration(n ->
                        new Person(n.id(), n.firstName() + " " + n.lastName().split(" ")[0])),
                2);

        assertThat(report.sample()).isEqualTo("2 OLD rows and 1 NEW rows read from the database");
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("OLD -> NEW -> OLD -> NEW");
            assertThat(f.value()).contains("Mary Ann Smith");
        });
        assertThatThrownBy(report::assertPasses)
                .hasMessageContaining("on 2 OLD rows and 1 NEW rows read from the database")
                .hasMessageContaining("Mary Ann Smith");
    }

    @Test
    void theSampleIsReadInAReadOnlyTransactionWhereAWriteFails() throws Exception {
        JdbcStore<Long, Person> old = oldStore();
        MigrationStore<Long, Person> writing = new ReadingStore<>(old) {
            @Override
            public List<Person> scan(@Nullable Long afterExclusive, @Nullable Long upToInclusive, int limit) {
                transactions.withConnection(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("UPDATE sample_old SET full_name = 'Changed'");
                    }
                });
                return old.scan(afterExclusive, upToInclusive, limit);
            }
        };

        // PostgreSQL: "cannot execute UPDATE in a read-only transaction"; MariaDB: "... in a READ ONLY transaction"
        assertThatThrownBy(() -> MappingSample.readOnly(writing, 10))
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).containsPattern("(?i)read[- ]only"));
        assertThat(names()).doesNotContain("Changed");
    }

    private Migration<Long, Person, PersonName> migration(Function<PersonName, Person> toOld) {
        JdbcStore<Long, PersonName> fresh = JdbcStore.builder(transactions, Long.class, PersonName.class)
                .table("sample_new")
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        return Migration.builder("sample-" + java.util.UUID.randomUUID(), Long.class, oldStore(), fresh)
                .toNew(p -> {
                    int space = p.fullName().indexOf(' ');
                    return new PersonName(
                            p.id(),
                            p.fullName().substring(0, space),
                            p.fullName().substring(space + 1));
                })
                .toOld(toOld)
                .build();
    }

    private JdbcStore<Long, Person> oldStore() {
        return JdbcStore.builder(transactions, Long.class, Person.class)
                .table("sample_old")
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((p, row) -> row.set("full_name", p.fullName()))
                .build();
    }

    /** A store that reads through another and writes nothing. */
    private static class ReadingStore<K, V> implements MigrationStore<K, V> {
        private final MigrationStore<K, V> delegate;

        ReadingStore(MigrationStore<K, V> delegate) {
            this.delegate = delegate;
        }

        @Override
        public K keyOf(V value) {
            return delegate.keyOf(value);
        }

        @Override
        public Optional<V> read(K key) {
            return delegate.read(key);
        }

        @Override
        public Optional<V> readLocked(K key) {
            return delegate.readLocked(key);
        }

        @Override
        public void upsert(V value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void insertAbsent(List<V> values) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(K key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<V> scan(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
            return delegate.scan(afterExclusive, upToInclusive, limit);
        }

        @Override
        public List<V> scanLocked(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
            return delegate.scanLocked(afterExclusive, upToInclusive, limit);
        }

        @Override
        public Optional<K> maxKey() {
            return delegate.maxKey();
        }

        @Override
        public long estimateSize() {
            return delegate.estimateSize();
        }

        @Override
        public Transactions transactions() {
            return delegate.transactions();
        }

        @Override
        public String description() {
            return delegate.description();
        }
    }

    private List<String> names() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT full_name FROM sample_old")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private long count(String table) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String... statements) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
