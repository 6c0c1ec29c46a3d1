package io.dualwrite.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drill as a team runs it on its own migration, a name split (OLD {@code full_name} and {@code email}, NEW
 * {@code first_name}/{@code last_name}): a correct migration passes and says what it overrode; a reverse mapping that
 * loses what only OLD holds, one that loses what NEW holds, and a mapping that changes the key each fail the drill
 * with a message naming the problem and the seed.
 */
abstract class AbstractMigrationDrillTest {

    /** The old representation: a name and an email that the new one does not carry. */
    record Person(long id, String fullName, @Nullable String email) {}

    /** The new representation. */
    record PersonName(long id, String firstName, String lastName) {}

    private static final String[] FIRSTS = {"Ada", "Alan", "Grace", "Edsger", "Barbara"};
    private static final String[] LASTS = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov"};

    protected abstract TestDatabase oldDatabase();

    protected abstract TestDatabase newDatabase();

    private boolean twoDatabases() {
        return oldDatabase() != newDatabase();
    }

    @BeforeEach
    void tables() throws Exception {
        execute(
                oldDatabase().dataSource(),
                "DROP TABLE IF EXISTS drill_person",
                "CREATE TABLE drill_person (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL,"
                        + " email VARCHAR(200))");
        execute(
                newDatabase().dataSource(),
                "DROP TABLE IF EXISTS drill_person_name",
                "CREATE TABLE drill_person_name (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100) NOT NULL)");
    }

    @Test
    void aMigrationThatLosesNothingPassesTheDrillAndListsWhatItOverrode() {
        DrillReport report = MigrationDrill.of(migration(
                        AbstractMigrationDrillTest::split,
                        n -> new Person(n.id(), n.firstName() + " " + n.lastName(), null)))
                .values(AbstractMigrationDrillTest::personWithoutEmail)
                .walks(2)
                .seed(42)
                .run();

        assertThat(report.failure()).isNull();
        assertThat(report.passed()).isTrue();
        assertThat(report.walks()).isEqualTo(2);
        assertThat(report.coverage()).contains("9 of 9 kinds of move").contains("divergences planted and found");
        assertThat(report.overridden())
                .contains("gates.minShadowSamples: 100 -> 0", "gates.readNewSoak: PT30M -> PT0S");
        assertThat(report.kept()).contains("gates.maxMismatchRate: 0.001");
        report.assertPasses();
    }

    @Test
    void aReverseMappingThatLosesWhatOnlyOldHoldsFailsTheDrillWithTheSeed() {
        // toNew drops the email, toOld cannot bring it back: the mapping checks pass (NEW never held it), but the
        // re-sync of OLD after DROP_OLD -> READ_NEW writes the rows changed during DROP_OLD without it.
        MigrationDrill<Long, Person, PersonName> drill = MigrationDrill.of(migration(
                        AbstractMigrationDrillTest::split,
                        n -> new Person(n.id(), n.firstName() + " " + n.lastName(), null)))
                .values(random -> new Person(
                        random.nextLong(1, 31),
                        pick(FIRSTS, random) + " " + pick(LASTS, random),
                        "p" + random.nextInt(1_000) + "@example.com"))
                .walks(2)
                .seed(7);

        DrillReport report = drill.run();

        assertThat(report.mapping().passed()).isTrue();
        assertThat(report.passed()).isFalse();
        assertThatThrownBy(report::assertPasses)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("drill walk 1 of 2 (the tour of every move) failed")
                .hasMessageContaining("reproduce with -Ddualwrite.seed=7")
                .hasMessageContaining("divergence: OLD holds")
                .hasMessageContaining("(email: p");
    }

    @Test
    void aReverseMappingThatLosesWhatNewHoldsFailsTheMappingChecksFirst() {
        assertThatThrownBy(() -> MigrationDrill.of(migration(
                                AbstractMigrationDrillTest::split, n -> new Person(n.id(), n.firstName(), null)))
                        .values(AbstractMigrationDrillTest::personWithoutEmail)
                        .seed(3)
                        .run()
                        .assertPasses())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fail its mapping checks (reproduce with -Ddualwrite.seed=3)")
                .hasMessageContaining("OLD -> NEW -> OLD -> NEW");
    }

    @Test
    void aMappingThatChangesTheKeyFailsTheDrillBeforeAnyWalk() {
        DrillReport report = MigrationDrill.of(
                        migration(p -> new PersonName(p.id() + 1, "A", "B"), n -> new Person(n.id(), "A B", null)))
                .values(AbstractMigrationDrillTest::personWithoutEmail)
                .seed(5)
                .run();

        assertThat(report.walks()).isZero();
        assertThatThrownBy(report::assertPasses)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Ddualwrite.seed=5")
                .hasMessageContaining("OLD -> NEW: ");
    }

    private static Person personWithoutEmail(SplittableRandom random) {
        return new Person(random.nextLong(1, 31), pick(FIRSTS, random) + " " + pick(LASTS, random), null);
    }

    private Migration<Long, Person, PersonName> migration(
            Function<Person, PersonName> toNew, Function<PersonName, Person> toOld) {
        JdbcTransactions oldSide = JdbcTransactions.of(oldDatabase().dataSource());
        JdbcTransactions newSide =
                twoDatabases() ? JdbcTransactions.of(newDatabase().dataSource()) : oldSide;
        JdbcStore<Long, Person> old = JdbcStore.builder(oldSide, Long.class, Person.class)
                .table("drill_person")
                .key("id", Person::id)
                .columns("full_name", "email")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name"), rs.getString("email")))
                .binder((p, row) -> row.set("full_name", p.fullName()).set("email", p.email()))
                .build();
        JdbcStore<Long, PersonName> fresh = JdbcStore.builder(newSide, Long.class, PersonName.class)
                .table("drill_person_name")
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        return Migration.builder("person-names", Long.class, old, fresh)
                .toNew(toNew)
                .toOld(toOld)
                .failurePolicy(twoDatabases() ? SecondaryFailurePolicy.RECORD_FOR_REPAIR : SecondaryFailurePolicy.FAIL)
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

    private static void execute(DataSource dataSource, String... statements) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
