package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import io.dualwrite.core.shadow.QueryMismatch;
import io.dualwrite.core.shadow.QueryMismatch.DifferingElement;
import io.dualwrite.core.shadow.QueryMismatch.OrderDifference;
import io.dualwrite.core.shadow.QueryShadow;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.core.shadow.ShadowResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routed queries on a real database, their OLD and NEW implementations plain SQL: which side answers in each phase,
 * that the answer is the NEW representation, that comparisons happen in the phases with both sides and only there,
 * mismatches planted behind the library's back with plain SQL and reported by key with their field differences,
 * order and page comparisons, sampling and the budget, and candidates that fail or hang. One subclass per database.
 */
abstract class AbstractRoutedQueryTest {

    /** OLD: a contact with one full-name column. */
    record Contact(long id, String fullName, String email, long team) {}

    /** NEW: the same contact with the name split at the first space. */
    record ContactName(long id, String firstName, String lastName, String email, long team) {}

    /** A keyset page: the contacts of a team after a key, at most {@code limit}, or up to {@code through}. */
    record Page(long team, long after, int limit, long through) {
        static Page first(long team, int limit) {
            return new Page(team, 0, limit, Long.MAX_VALUE);
        }

        Page through(long key) {
            return new Page(team, after, limit, key);
        }
    }

    private static final String OLD = "rq_old";
    private static final String NEW = "rq_new";

    protected abstract DataSource database();

    private DataSource dataSource;
    private Migration<Long, Contact, ContactName> migration;
    private DualWrite dualWrite;
    private DualRepository<Long, Contact, ContactName> contacts;
    private final Queue<String> calls = new ConcurrentLinkedQueue<>();
    private Thread caller;

    @BeforeEach
    void setUp() {
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(100)), 2, 256);
    }

    private void setUp(ShadowReadOptions options, int threads, int queue) {
        if (dualWrite != null) {
            dualWrite.close();
        }
        caller = Thread.currentThread();
        calls.clear();
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS " + OLD,
                "DROP TABLE IF EXISTS " + NEW,
                "CREATE TABLE " + OLD + " (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL,"
                        + " email VARCHAR(200) NOT NULL, team BIGINT NOT NULL)",
                "CREATE TABLE " + NEW + " (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100) NOT NULL, email VARCHAR(200) NOT NULL, team BIGINT NOT NULL)");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, Contact> oldStore = JdbcStore.builder(transactions, Long.class, Contact.class)
                .table(OLD)
                .key("id", Contact::id)
                .columns("full_name", "email", "team")
                .mapper(AbstractRoutedQueryTest::contact)
                .binder((c, row) -> row.set("full_name", c.fullName())
                        .set("email", c.email())
                        .set("team", c.team()))
                .build();
        JdbcStore<Long, ContactName> newStore = JdbcStore.builder(transactions, Long.class, ContactName.class)
                .table(NEW)
                .key("id", ContactName::id)
                .columns("first_name", "last_name", "email", "team")
                .mapper(AbstractRoutedQueryTest::contactName)
                .binder((c, row) -> row.set("first_name", c.firstName())
                        .set("last_name", c.lastName())
                        .set("email", c.email())
                        .set("team", c.team()))
                .build();
        migration = Migration.builder("rq-" + UUID.randomUUID(), Long.class, oldStore, newStore)
                .toNew(AbstractRoutedQueryTest::split)
                .toOld(n -> new Contact(n.id(), n.firstName() + " " + n.lastName(), n.email(), n.team()))
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .shadowReads(options)
                .shadowReadExecutor(threads, queue)
                .build();
        contacts = dualWrite.repository(migration);
    }

    @AfterEach
    void close() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    static ContactName split(Contact c) {
        int space = c.fullName().indexOf(' ');
        return new ContactName(
                c.id(), c.fullName().substring(0, space), c.fullName().substring(space + 1), c.email(), c.team());
    }

    // The queries, each side a plain SQL function as an application writes it with JDBC.

    private RoutedQuery<String, ContactName> byEmail() {
        return contacts.query(
                "by-email",
                recorded(
                        Side.OLD,
                        (String email) -> one(select(
                                "SELECT id, full_name, email, team FROM " + OLD + " WHERE email = ?",
                                AbstractRoutedQueryTest::contact,
                                email))),
                recorded(
                        Side.NEW,
                        (String email) -> one(select(
                                "SELECT id, first_name, last_name, email, team FROM " + NEW + " WHERE email = ?",
                                AbstractRoutedQueryTest::contactName,
                                email))));
    }

    private RoutedListQuery<Long, ContactName> membersOf() {
        return membersOf("members-of", "");
    }

    private RoutedListQuery<Long, ContactName> membersOf(String name, String newOrder) {
        return contacts.listQuery(
                name,
                recorded(
                        Side.OLD,
                        (Long team) -> select(
                                "SELECT id, full_name, email, team FROM " + OLD + " WHERE team = ? ORDER BY id",
                                AbstractRoutedQueryTest::contact,
                                team)),
                recorded(
                        Side.NEW,
                        (Long team) -> select(
                                "SELECT id, first_name, last_name, email, team FROM " + NEW
                                        + " WHERE team = ? ORDER BY id" + newOrder,
                                AbstractRoutedQueryTest::contactName,
                                team)));
    }

    private RoutedListQuery<Page, ContactName> page(String name) {
        return contacts.<Page>listQuery(
                        name,
                        page -> select(
                                "SELECT id, full_name, email, team FROM " + OLD
                                        + " WHERE team = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                                AbstractRoutedQueryTest::contact,
                                page.team(),
                                page.after(),
                                page.through(),
                                page.limit()),
                        page -> select(
                                "SELECT id, first_name, last_name, email, team FROM " + NEW
                                        + " WHERE team = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                                AbstractRoutedQueryTest::contactName,
                                page.team(),
                                page.after(),
                                page.through(),
                                page.limit()))
                .inOrder();
    }

    @Test
    void everyPhaseAnswersFromItsSourceOfTruthInTheNewRepresentationAndComparesOnlyWhereBothSidesAre() {
        RoutedQuery<String, ContactName> byEmail = byEmail();
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        List<Contact> people = List.of(
                new Contact(1, "Ada Lovelace", "ada@example.com", 7),
                new Contact(2, "Grace Hopper", "grace@example.com", 7),
                new Contact(3, "Edsger Dijkstra", "edsger@example.com", 8));
        people.forEach(contacts::write);
        ContactName ada = new ContactName(1, "Ada", "Lovelace", "ada@example.com", 7);
        ContactName grace = new ContactName(2, "Grace", "Hopper", "grace@example.com", 7);
        long compared = 0;

        for (MigrationPhase phase : MigrationPhase.values()) {
            if (phase != MigrationPhase.OLD_ONLY) {
                move(phase);
            }
            if (phase == MigrationPhase.DUAL_WRITE) {
                people.forEach(contacts::write); // now on both sides: comparisons match
            }
            assertThat(contacts.phase()).isEqualTo(phase);
            calls.clear();

            assertThat(byEmail.find("ada@example.com")).as("%s", phase).contains(ada);
            assertThat(byEmail.find("nobody@example.com")).as("%s", phase).isEmpty();
            assertThat(membersOf.list(7L)).as("%s", phase).containsExactly(ada, grace);

            Side truth = phase.sourceOfTruth();
            boolean bothSides = phase.writeOrder().size() == 2;
            if (bothSides) {
                compared += 3;
                long expected = compared;
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(count(byEmail.shadowReads(), ShadowResult.MATCH)
                                        + count(membersOf.shadowReads(), ShadowResult.MATCH))
                                .as("%s", phase)
                                .isEqualTo(expected));
            } else {
                sleep(300);
            }
            assertThat(calls)
                    .as("%s: who answered the caller, and who was asked off its thread", phase)
                    .containsExactlyInAnyOrderElementsOf(expectedCalls(truth, bothSides));
            assertThat(total(byEmail.shadowReads()) + total(membersOf.shadowReads()))
                    .as("%s: every comparison so far matched", phase)
                    .isEqualTo(compared);
        }
        assertThat(byEmail.shadowReads().stats().primaryReads()).isEqualTo(10);
        assertThat(membersOf.shadowReads().stats().primaryReads()).isEqualTo(5);
        assertThat(membersOf.shadowReads().stats().candidateReads()).isEqualTo(3);
    }

    private static List<String> expectedCalls(Side truth, boolean bothSides) {
        List<String> expected = new ArrayList<>(List.of(truth + " caller", truth + " caller", truth + " caller"));
        if (bothSides) {
            expected.addAll(List.of(truth.other() + " shadow", truth.other() + " shadow", truth.other() + " shadow"));
        }
        return expected;
    }

    @Test
    void aListMismatchNamesTheMissingExtraAndDifferingKeysWithTheirFieldDifferences() {
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        backfilled(5, 7);
        // Behind the library's back: NEW lost 2, has 3 renamed, and a 9 that OLD never had.
        People.execute(
                dataSource,
                "DELETE FROM " + NEW + " WHERE id = 2",
                "UPDATE " + NEW + " SET last_name = 'Changed' WHERE id = 3",
                "INSERT INTO " + NEW + " (id, first_name, last_name, email, team)"
                        + " VALUES (9, 'Ghost', 'Writer', 'ghost@example.com', 7)");

        assertThat(membersOf.list(7L)).extracting(ContactName::id).containsExactly(1L, 2L, 3L, 4L, 5L);

        awaitCount(membersOf.shadowReads(), ShadowResult.MISMATCH, 1);
        QueryMismatch mismatch = membersOf.shadowReads().recentMismatches().get(0);
        assertThat(mismatch.query()).isEqualTo("members-of");
        assertThat(mismatch.parameter()).isEqualTo("7");
        assertThat(mismatch.missing()).containsExactly("2");
        assertThat(mismatch.extra()).containsExactly("9");
        assertThat(mismatch.differing())
                .containsExactly(
                        new DifferingElement("3", List.of(new FieldDifference("lastName", "Last3", "Changed"))));
        assertThat(mismatch.order()).isNull();
        assertThat(List.of(mismatch.missingTotal(), mismatch.extraTotal(), mismatch.differingTotal()))
                .containsExactly(1, 1, 1);
        assertThat(mismatch.toString())
                .isEqualTo("members-of(7) MISMATCH: missing [2], extra [9],"
                        + " differing [3 {lastName: expected Last3, actual Changed}]");
        assertThat(dualWrite.managed(migration.name()).shadowReads().queries())
                .extracting(QueryShadow::name)
                .containsExactly("members-of");
    }

    @Test
    void inReadNewTheOldSideIsTheCandidateAndTheCallerGetsNewsAnswer() {
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        backfilled(3, 7);
        move(MigrationPhase.READ_NEW);
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'First2 Other' WHERE id = 2");
        People.execute(dataSource, "UPDATE " + NEW + " SET first_name = 'Only', last_name = 'New' WHERE id = 3");

        assertThat(membersOf.list(7L)).extracting(ContactName::firstName).containsExactly("First1", "First2", "Only");

        awaitCount(membersOf.shadowReads(), ShadowResult.MISMATCH, 1);
        assertThat(membersOf.shadowReads().recentMismatches().get(0).differing())
                .containsExactly(
                        new DifferingElement("2", List.of(new FieldDifference("lastName", "Last2", "Other"))),
                        new DifferingElement(
                                "3",
                                List.of(
                                        new FieldDifference("firstName", "Only", "First3"),
                                        new FieldDifference("lastName", "New", "Last3"))));
    }

    @Test
    void aSingleResultIsComparedByKeyWithItsFieldDifferences() {
        RoutedQuery<String, ContactName> byEmail = byEmail();
        backfilled(3, 7);
        People.execute(dataSource, "UPDATE " + NEW + " SET first_name = 'Changed' WHERE id = 1");

        assertThat(byEmail.find("person1@example.com"))
                .map(ContactName::firstName)
                .contains("First1");

        awaitCount(byEmail.shadowReads(), ShadowResult.MISMATCH, 1);
        QueryMismatch differing = byEmail.shadowReads().recentMismatches().get(0);
        assertThat(differing.differing())
                .containsExactly(
                        new DifferingElement("1", List.of(new FieldDifference("firstName", "First1", "Changed"))));
        assertThat(differing.missing()).isEmpty();
        assertThat(differing.extra()).isEmpty();

        // NEW finds nobody by the address of 2, and another contact by the address of 3.
        People.execute(
                dataSource,
                "UPDATE " + NEW + " SET email = 'moved@example.com' WHERE id = 2",
                "UPDATE " + NEW + " SET email = 'other@example.com' WHERE id = 3",
                "INSERT INTO " + NEW + " (id, first_name, last_name, email, team)"
                        + " VALUES (8, 'Im', 'Poster', 'person3@example.com', 7)");
        byEmail.find("person2@example.com");
        awaitCount(byEmail.shadowReads(), ShadowResult.MISSING_IN_CANDIDATE, 1);
        assertThat(byEmail.shadowReads().recentMismatches().get(0).missing()).containsExactly("2");

        byEmail.find("person3@example.com");
        awaitCount(byEmail.shadowReads(), ShadowResult.MISMATCH, 2);
        QueryMismatch another = byEmail.shadowReads().recentMismatches().get(0);
        assertThat(another.parameter()).isEqualTo("person3@example.com");
        assertThat(another.missing()).containsExactly("3");
        assertThat(another.extra()).containsExactly("8");

        assertThat(byEmail.find("nobody@example.com")).isEmpty();
        People.execute(
                dataSource,
                "INSERT INTO " + NEW + " (id, first_name, last_name, email, team)"
                        + " VALUES (9, 'Only', 'New', 'new@example.com', 7)");
        assertThat(byEmail.find("new@example.com")).isEmpty();
        awaitCount(byEmail.shadowReads(), ShadowResult.UNEXPECTED_IN_CANDIDATE, 1);
        assertThat(byEmail.shadowReads().recentMismatches().get(0).extra()).containsExactly("9");
        assertThat(count(byEmail.shadowReads(), ShadowResult.MATCH)).isEqualTo(1);
    }

    @Test
    void aQueryThatPromisesAnOrderHasItsOrderCompared() {
        RoutedListQuery<Long, ContactName> asSets = membersOf("members-by-key", " DESC");
        RoutedListQuery<Long, ContactName> inOrder =
                membersOf("members-in-order", " DESC").inOrder();
        backfilled(4, 7);

        asSets.list(7L);
        inOrder.list(7L);

        awaitCount(asSets.shadowReads(), ShadowResult.MATCH, 1);
        awaitCount(inOrder.shadowReads(), ShadowResult.MISMATCH, 1);
        QueryMismatch mismatch = inOrder.shadowReads().recentMismatches().get(0);
        assertThat(mismatch.order()).isEqualTo(new OrderDifference(0, "1", "4"));
        assertThat(mismatch.missing()).isEmpty();
        assertThat(mismatch.extra()).isEmpty();
        assertThat(mismatch.differing()).isEmpty();
        assertThat(inOrder.ordered()).isTrue();
        assertThat(asSets.ordered()).isFalse();
    }

    @Test
    void aPageIsComparedOverTheKeyRangeTheSourceOfTruthsPageCovers() {
        RoutedListQuery<Page, ContactName> sameRows = page("page-same-limit");
        RoutedListQuery<Page, ContactName> keyRange = page("page-key-range")
                .candidateParameter((page, answer) -> answer.size() < page.limit()
                        ? page
                        : page.through(answer.get(answer.size() - 1).id()));
        backfilled(6, 7);
        People.execute(dataSource, "DELETE FROM " + NEW + " WHERE id = 2");

        assertThat(sameRows.list(Page.first(7, 3))).extracting(ContactName::id).containsExactly(1L, 2L, 3L);
        assertThat(keyRange.list(Page.first(7, 3))).extracting(ContactName::id).containsExactly(1L, 2L, 3L);

        // Asked for three rows, NEW fills the place of 2 with 4, which is no divergence of its own.
        awaitCount(sameRows.shadowReads(), ShadowResult.MISMATCH, 1);
        assertThat(sameRows.shadowReads().recentMismatches().get(0).extra()).containsExactly("4");
        // Asked for the key range OLD's page covers, (0, 3], NEW lacks exactly 2.
        awaitCount(keyRange.shadowReads(), ShadowResult.MISSING_IN_CANDIDATE, 1);
        QueryMismatch mismatch = keyRange.shadowReads().recentMismatches().get(0);
        assertThat(mismatch.missing()).containsExactly("2");
        assertThat(mismatch.extra()).isEmpty();

        // The last page, shorter than the limit, is compared to the end: 7 exists on NEW only.
        People.execute(
                dataSource,
                "INSERT INTO " + NEW + " (id, first_name, last_name, email, team)"
                        + " VALUES (7, 'Only', 'New', 'new@example.com', 7)");
        assertThat(keyRange.list(new Page(7, 4, 3, Long.MAX_VALUE)))
                .extracting(ContactName::id)
                .containsExactly(5L, 6L);
        awaitCount(keyRange.shadowReads(), ShadowResult.UNEXPECTED_IN_CANDIDATE, 1);
        assertThat(keyRange.shadowReads().recentMismatches().get(0).extra()).containsExactly("7");
    }

    @Test
    void elementsTheBackfillHasNotReachedAreNotDivergence() {
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        move(MigrationPhase.DUAL_WRITE);
        contacts.write(new Contact(1, "Ada Lovelace", "ada@example.com", 7));
        People.execute(
                dataSource,
                "INSERT INTO " + OLD + " (id, full_name, email, team) VALUES (2, 'Grace Hopper', 'g@example.com', 7)");

        assertThat(membersOf.list(7L)).hasSize(2);

        awaitCount(membersOf.shadowReads(), ShadowResult.NOT_YET_BACKFILLED, 1);
        assertThat(membersOf.shadowReads().stats().mismatches()).isZero();
    }

    @Test
    void readsSampledAtTheMigrationsRateAndWithinItsBudget() {
        setUp(ShadowReadOptions.defaults().withSampleRate(0.5), 2, 256);
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        backfilled(2, 7);
        for (int i = 0; i < 400; i++) {
            membersOf.list(7L);
        }
        sleep(1_000); // every comparison handed over is done by then
        assertThat(total(membersOf.shadowReads())).isBetween(140L, 260L);
        assertThat(candidateCalls()).isEqualTo(count(membersOf.shadowReads(), ShadowResult.MATCH));

        setUp(ShadowReadOptions.defaults().withSampleRate(0), 2, 256);
        RoutedQuery<String, ContactName> byEmail = byEmail();
        backfilled(2, 7);
        for (int i = 0; i < 50; i++) {
            byEmail.find("person1@example.com");
        }
        sleep(300);
        assertThat(total(byEmail.shadowReads())).isZero();
        assertThat(candidateCalls()).isZero();

        // One budget for the migration's key reads and queries: one comparison a second between them.
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withMaxComparisonsPerSecond(1), 2, 256);
        byEmail = byEmail();
        backfilled(2, 7);
        for (int i = 0; i < 50; i++) {
            contacts.read(1L);
            byEmail.find("person1@example.com");
        }
        QueryShadow<?, ContactName> queryShadow = byEmail.shadowReads();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(total(queryShadow)).isEqualTo(50));
        long keyMatches =
                dualWrite.managed(migration.name()).shadowReads().stats().count(ShadowResult.MATCH);
        assertThat(count(queryShadow, ShadowResult.MATCH) + keyMatches).isBetween(1L, 3L);
        assertThat(count(queryShadow, ShadowResult.SKIPPED)).isGreaterThanOrEqualTo(47);
    }

    @Test
    void aQueryThatFailsOrHangsOnTheCandidateSideNeverFailsTheCaller() {
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withTimeout(Duration.ofMillis(100)), 2, 256);
        backfilled(2, 7);
        RoutedListQuery<Long, ContactName> failing = contacts.listQuery(
                "failing",
                (Long team) -> select(
                        "SELECT id, full_name, email, team FROM " + OLD + " WHERE team = ?",
                        AbstractRoutedQueryTest::contact,
                        team),
                (Long team) -> select(
                        "SELECT id, no_such_column FROM " + NEW + " WHERE team = ?",
                        AbstractRoutedQueryTest::contactName,
                        team));
        RoutedQuery<String, ContactName> hanging = contacts.query(
                "hanging",
                (String email) -> one(select(
                        "SELECT id, full_name, email, team FROM " + OLD + " WHERE email = ?",
                        AbstractRoutedQueryTest::contact,
                        email)),
                (String email) -> {
                    sleep(2_000);
                    return Optional.<ContactName>empty();
                });
        RoutedQuery<String, ContactName> nullOnNew =
                contacts.query("null-on-new", (String email) -> Optional.<Contact>empty(), (String email) -> null);

        assertThat(failing.list(7L)).hasSize(2);
        long started = System.nanoTime();
        assertThat(hanging.find("person1@example.com")).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(nullOnNew.find("x")).isEmpty();

        awaitCount(failing.shadowReads(), ShadowResult.CANDIDATE_ERROR, 1);
        awaitCount(hanging.shadowReads(), ShadowResult.CANDIDATE_ERROR, 1);
        awaitCount(nullOnNew.shadowReads(), ShadowResult.CANDIDATE_ERROR, 1);

        // The source of truth's failure is the caller's.
        move(MigrationPhase.READ_NEW);
        assertThatThrownBy(() -> failing.list(7L)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> nullOnNew.find("x"))
                .isInstanceOf(DualWriteException.class)
                .hasMessageContaining("'null-on-new'")
                .hasMessageContaining("NEW implementation answered null");
    }

    @Test
    void samplesRedactValuesAndParametersWhenAskedTo() {
        setUp(
                ShadowReadOptions.defaults()
                        .withSampleRate(1)
                        .withRecheckDelay(Duration.ofMillis(10))
                        .withRedactedValues(true),
                2,
                256);
        RoutedQuery<String, ContactName> byEmail = byEmail();
        backfilled(1, 7);
        People.execute(dataSource, "UPDATE " + NEW + " SET first_name = 'Changed' WHERE id = 1");

        byEmail.find("person1@example.com");

        awaitCount(byEmail.shadowReads(), ShadowResult.MISMATCH, 1);
        QueryMismatch mismatch = byEmail.shadowReads().recentMismatches().get(0);
        assertThat(mismatch.parameter()).isEqualTo("<redacted>");
        assertThat(mismatch.differing())
                .containsExactly(new DifferingElement(
                        "1", List.of(new FieldDifference("firstName", "<redacted>", "<redacted>"))));
    }

    @Test
    void queryComparisonsAreEvidenceOfThePhaseTheyBeganIn() {
        RoutedListQuery<Long, ContactName> membersOf = membersOf();
        backfilled(2, 7);
        long version = dualWrite.state(migration.name()).version();
        People.execute(dataSource, "UPDATE " + NEW + " SET first_name = 'Changed' WHERE id = 1");

        membersOf.list(7L);
        membersOf.list(8L);

        awaitCount(membersOf.shadowReads(), ShadowResult.MISMATCH, 1);
        awaitCount(membersOf.shadowReads(), ShadowResult.MATCH, 1);
        ShadowReadStats evidence =
                dualWrite.managed(migration.name()).shadowReads().phaseStats(version);
        assertThat(evidence.compared()).isEqualTo(2);
        assertThat(evidence.mismatches()).isEqualTo(1);
    }

    @Test
    void aQueryNameIsDeclaredOncePerMigrationAndMustBeAPlainName() {
        membersOf();
        assertThatThrownBy(this::membersOf)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a routed query named 'members-of'");
        assertThatThrownBy(() -> contacts.query("by email", e -> Optional.empty(), e -> Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query name 'by email' is invalid");
    }

    /** {@code rows} contacts of {@code team} on both sides, the backfill completed: comparisons are exact. */
    private void backfilled(int rows, long team) {
        for (long id = 1; id <= rows; id++) {
            People.execute(
                    dataSource,
                    "INSERT INTO " + OLD + " (id, full_name, email, team) VALUES (" + id + ", 'First" + id + " Last"
                            + id + "', 'person" + id + "@example.com', " + team + ")");
        }
        move(MigrationPhase.DUAL_WRITE);
        move(MigrationPhase.BACKFILL);
        dualWrite.backfill(migration.name()).run(() -> true);
        assertThat(People.rows(dataSource, NEW)).hasSize(rows);
    }

    private void move(MigrationPhase target) {
        dualWrite.transition(migration.name(), target, TransitionRequest.forcedBy("test", "routed queries"));
    }

    private <P, R> Function<P, R> recorded(Side side, Function<P, R> query) {
        return parameter -> {
            calls.add(side + (Thread.currentThread() == caller ? " caller" : " shadow"));
            return query.apply(parameter);
        };
    }

    private long candidateCalls() {
        return calls.stream().filter(call -> call.endsWith("shadow")).count();
    }

    private static long count(QueryShadow<?, ?> query, ShadowResult result) {
        return query.stats().count(result);
    }

    private static long total(QueryShadow<?, ?> query) {
        return query.stats().counts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private static void awaitCount(QueryShadow<?, ?> query, ShadowResult result, long count) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(query.stats().count(result))
                        .as(query.stats() + " " + query.recentMismatches())
                        .isEqualTo(count));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> select(String sql, Row<T> row, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<T> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(row.map(rs));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static <T> Optional<T> one(List<T> found) {
        if (found.size() > 1) {
            throw new IllegalStateException("more than one row: " + found);
        }
        return found.stream().findFirst();
    }

    private static Contact contact(ResultSet rs) throws SQLException {
        return new Contact(rs.getLong("id"), rs.getString("full_name"), rs.getString("email"), rs.getLong("team"));
    }

    private static ContactName contactName(ResultSet rs) throws SQLException {
        return new ContactName(
                rs.getLong("id"),
                rs.getString("first_name"),
                rs.getString("last_name"),
                rs.getString("email"),
                rs.getLong("team"));
    }
}
