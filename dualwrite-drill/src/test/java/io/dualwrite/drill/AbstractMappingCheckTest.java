package io.dualwrite.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping checks on a name split (OLD {@code full_name}, NEW {@code first_name}/{@code last_name}): a correct
 * migration passes; a lossy reverse mapping, a mapping that changes the key and a SQL mapping wrong on some names are
 * each found, with the value that fails; the SQL check leaves the tables as they were.
 */
abstract class AbstractMappingCheckTest {

    record Person(long id, String fullName) {}

    record PersonName(long id, String firstName, String lastName) {}

    private static final String[] FIRSTS = {"Ada", "Alan", "Grace", "Mary Ann", "Jean"};
    private static final String[] LASTS = {"Lovelace", "Turing", "Hopper", "Smith", "de la Cruz"};

    protected abstract TestDatabase database();

    /** The SQL of the first name: everything before the first space. */
    protected abstract String firstNameSql();

    /** The SQL of the last name: everything after the first space. */
    protected abstract String lastNameSql();

    /** A wrong last name: only the second word (three-word names lose their third). */
    protected abstract String secondWordSql();

    private DataSource dataSource;
    private JdbcTransactions transactions;

    @BeforeEach
    void tables() throws Exception {
        dataSource = database().dataSource();
        execute(
                "DROP TABLE IF EXISTS drill_old",
                "DROP TABLE IF EXISTS drill_new",
                "CREATE TABLE drill_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL)",
                "CREATE TABLE drill_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100) NOT NULL)");
        transactions = JdbcTransactions.of(dataSource);
    }

    @Test
    void aMigrationWhoseMappingsRoundTripPasses() {
        MappingReport report = MappingCheck.of(
                        migration(AbstractMappingCheckTest::split, firstNameSql(), lastNameSql()))
                .oldValues(random -> new Person(random.nextLong(1, 1_000_000), FIRSTS[0] + " " + pick(LASTS, random)))
                .newValues(random -> new PersonName(
                        random.nextLong(1, 1_000_000), pick(new String[] {"Ada", "Alan"}, random), pick(LASTS, random)))
                .samples(100)
                .seed(7)
                .run();

        assertThat(report.failures()).isEmpty();
        assertThat(report.checks())
                .hasSize(4)
                .anyMatch(c -> c.startsWith("the SQL mapping computes what toNew computes"));
        report.assertPasses();
    }

    @Test
    void aReverseMappingThatLosesWhatNewHoldsIsFoundOnIndependentNewValues() {
        MappingReport report = MappingCheck.of(
                        migration(AbstractMappingCheckTest::split, firstNameSql(), lastNameSql()))
                .newValues(random ->
                        new PersonName(random.nextLong(1, 1_000_000), pick(FIRSTS, random), pick(LASTS, random)))
                .samples(200)
                .seed(11)
                .run();

        assertThat(report.failures()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.check()).isEqualTo("NEW -> OLD -> NEW");
            assertThat(f.value()).contains("Mary Ann");
            assertThat(f.problem()).contains("a rollback from DROP_OLD would lose this");
        });
        assertThatThrownBy(report::assertPasses)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Ddualwrite.seed=11")
                .hasMessageContaining("NEW -> OLD -> NEW");
    }

    @Test
    void aMappingThatChangesTheKeyIsFound() {
        MappingReport report = MappingCheck.of(
                        migration(p -> new PersonName(p.id() + 1, "A", "B"), firstNameSql(), lastNameSql()))
                .oldValues(random -> new Person(random.nextLong(1, 1_000), "A B"))
                .samples(5)
                .run();

        assertThat(report.failures()).extracting(MappingReport.Failure::check).contains("OLD -> NEW");
    }

    @Test
    void aSqlMappingWrongOnSomeNamesIsFoundAndTheTablesAreLeftAsTheyWere() throws Exception {
        MappingReport report = MappingCheck.of(
                        migration(AbstractMappingCheckTest::split, firstNameSql(), secondWordSql()))
                .oldValues(random -> new Person(
                        random.nextLong(1, 1_000_000),
                        pick(new String[] {"Ada", "Alan"}, random) + " " + pick(LASTS, random)))
                .samples(200)
                .seed(5)
                .run();

        assertThat(report.failures())
                .filteredOn(f -> f.check().equals("SQL mapping"))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.value()).contains("de la Cruz"));
        assertThat(count("drill_old")).isZero();
        assertThat(count("drill_new")).isZero();
    }

    private Migration<Long, Person, PersonName> migration(
            Function<Person, PersonName> toNew, String firstNameSql, String lastNameSql) {
        JdbcStore<Long, Person> old = JdbcStore.builder(transactions, Long.class, Person.class)
                .table("drill_old")
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((p, row) -> row.set("full_name", p.fullName()))
                .build();
        JdbcStore<Long, PersonName> fresh = JdbcStore.builder(transactions, Long.class, PersonName.class)
                .table("drill_new")
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        return Migration.builder("drill-" + java.util.UUID.randomUUID(), Long.class, old, fresh)
                .toNew(toNew)
                .toOld(n -> new Person(n.id(), n.firstName() + " " + n.lastName()))
                .sqlMapping(SqlMapping.builder()
                        .column("first_name", firstNameSql)
                        .column("last_name", lastNameSql)
                        .build())
                .build();
    }

    static PersonName split(Person person) {
        int space = person.fullName().indexOf(' ');
        return new PersonName(
                person.id(),
                person.fullName().substring(0, space),
                person.fullName().substring(space + 1));
    }

    private static String pick(String[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }

    private void execute(String... statements) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private long count(String table) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
