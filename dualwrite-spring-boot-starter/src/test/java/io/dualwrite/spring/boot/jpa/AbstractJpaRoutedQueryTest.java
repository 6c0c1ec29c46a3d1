package io.dualwrite.spring.boot.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.RoutedListQuery;
import io.dualwrite.core.RoutedQuery;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import io.dualwrite.core.shadow.QueryMismatch;
import io.dualwrite.core.shadow.QueryMismatch.DifferingElement;
import io.dualwrite.core.shadow.QueryShadow;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.spring.boot.actuate.DualWriteEndpoint;
import io.dualwrite.spring.boot.actuate.MigrationStatus;
import io.dualwrite.spring.boot.jpa.people.JpaTestApplication;
import io.dualwrite.spring.boot.jpa.people.PersonEntity;
import io.dualwrite.spring.boot.jpa.people.PersonNameEntity;
import io.dualwrite.spring.boot.jpa.people.PersonNameRepository;
import io.dualwrite.spring.boot.jpa.people.PersonRepository;
import io.dualwrite.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Routed queries of a Spring Data JPA migration, declared as an application declares them: a finder that is a
 * Spring Data repository method on both sides, and a list that is a {@link JdbcClient} query on OLD and a derived JPA
 * query on NEW. Run through the phases on a real database: the answer comes from the source of truth as NEW
 * entities, and a divergence planted with plain SQL is reported by key with its field differences, also in the
 * admin endpoint's status.
 */
abstract class AbstractJpaRoutedQueryTest {

    protected abstract TestDatabase database();

    private ApplicationContextRunner runner;

    @BeforeEach
    void forgetEarlierRuns() {
        TestDatabase db = database();
        io.dualwrite.testsupport.DualWriteTables.forget(db.dataSource(), JpaTestApplication.MIGRATION);
        runner = JpaTestContexts.runner(
                db,
                JpaTestApplication.class,
                "dualwrite.refresh-interval=0s",
                "dualwrite.backfill.poll-interval=50ms",
                "dualwrite.shadow-reads.sample-rate=1",
                "dualwrite.shadow-reads.recheck-delay=50ms");
    }

    @Test
    void aJpaFinderAndAJdbcListAreRoutedByPhaseAndComparedByKey() {
        runner.run(context -> {
            DualWrite dualWrite = context.getBean(DualWrite.class);
            DualRepository<Long, PersonEntity, PersonNameEntity> people = repository(context);
            PersonRepository oldPeople = context.getBean(PersonRepository.class);
            PersonNameRepository newPeople = context.getBean(PersonNameRepository.class);
            JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));

            RoutedQuery<String, PersonNameEntity> byFullName =
                    people.query("by-full-name", oldPeople::findByFullName, fullName -> {
                        int space = fullName.lastIndexOf(' ');
                        return newPeople.findByFirstNameAndLastName(
                                fullName.substring(0, space), fullName.substring(space + 1));
                    });
            RoutedListQuery<String, PersonNameEntity> withLastName = people.<String>listQuery(
                            "with-last-name",
                            lastName -> jdbc.sql("SELECT id, full_name FROM jpa_person WHERE full_name LIKE ?"
                                            + " ORDER BY id")
                                    .param("% " + lastName)
                                    .query((rs, n) -> new PersonEntity(rs.getLong(1), rs.getString(2)))
                                    .list(),
                            newPeople::findByLastNameOrderByIdAsc)
                    .inOrder();

            // OLD_ONLY: answered by OLD, mapped to NEW entities; nothing to compare with.
            people.write(new PersonEntity(1, "Ada King Lovelace"));
            assertThat(byFullName.find("Ada King Lovelace").map(PersonNameEntity::content))
                    .contains(List.of(1L, "Ada King", "Lovelace"));
            assertThat(total(byFullName.shadowReads())).isZero();

            String name = JpaTestApplication.MIGRATION;
            dualWrite.advance(name, TransitionRequest.by("test", "dual writes"));
            people.write(new PersonEntity(2, "Byron Lovelace"));
            people.write(new PersonEntity(3, "Ralph Lovelace"));
            people.write(new PersonEntity(4, "Alan Turing"));
            dualWrite.advance(name, TransitionRequest.by("test", "backfill"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);

            assertThat(withLastName.list("Lovelace"))
                    .extracting(PersonNameEntity::getId)
                    .containsExactly(1L, 2L, 3L);
            assertThat(byFullName.find("Alan Turing")).isPresent();
            awaitCount(withLastName.shadowReads(), ShadowResult.MATCH, 1);
            awaitCount(byFullName.shadowReads(), ShadowResult.MATCH, 1);

            // Behind the library's back: NEW renames 2 and loses 3.
            JdbcTemplate sql = new JdbcTemplate(context.getBean(DataSource.class));
            sql.update("UPDATE jpa_person_name SET first_name = 'Changed' WHERE id = 2");
            sql.update("DELETE FROM jpa_person_name WHERE id = 3");

            assertThat(withLastName.list("Lovelace"))
                    .extracting(PersonNameEntity::getId)
                    .containsExactly(1L, 2L, 3L);
            awaitCount(withLastName.shadowReads(), ShadowResult.MISMATCH, 1);
            QueryMismatch mismatch =
                    withLastName.shadowReads().recentMismatches().get(0);
            assertThat(mismatch.missing()).containsExactly("3");
            assertThat(mismatch.extra()).isEmpty();
            assertThat(mismatch.differing())
                    .containsExactly(
                            new DifferingElement("2", List.of(new FieldDifference("firstName", "Byron", "Changed"))));

            MigrationStatus status = status(dualWrite);
            assertThat(status.shadowReads().queries())
                    .extracting(MigrationStatus.Query::name)
                    .containsExactly("by-full-name", "with-last-name");
            MigrationStatus.Query listed = status.shadowReads().queries().get(1);
            assertThat(listed.counts()).containsEntry("match", 1L).containsEntry("mismatch", 1L);
            assertThat(listed.recentMismatches().get(0).missing()).containsExactly("3");
            assertThat(listed.recentMismatches().get(0).differing().get(0).differences())
                    .containsExactly(java.util.Map.of("field", "firstName", "expected", "Byron", "actual", "Changed"));

            // READ_NEW: NEW answers, planted changes included, and OLD is the candidate.
            dualWrite.transition(name, MigrationPhase.READ_NEW, TransitionRequest.forcedBy("test", "routed queries"));
            assertThat(withLastName.list("Lovelace"))
                    .extracting(PersonNameEntity::content)
                    .containsExactly(List.of(1L, "Ada King", "Lovelace"), List.of(2L, "Changed", "Lovelace"));
            assertThat(byFullName.find("Byron Lovelace")).isEqualTo(Optional.empty());
            awaitCount(withLastName.shadowReads(), ShadowResult.MISMATCH, 2);
            QueryMismatch fromOld =
                    withLastName.shadowReads().recentMismatches().get(0);
            assertThat(fromOld.extra()).containsExactly("3");
            assertThat(fromOld.differing())
                    .containsExactly(
                            new DifferingElement("2", List.of(new FieldDifference("firstName", "Changed", "Byron"))));
            awaitCount(byFullName.shadowReads(), ShadowResult.UNEXPECTED_IN_CANDIDATE, 1);
        });
    }

    private static MigrationStatus status(DualWrite dualWrite) {
        DualWriteEndpoint endpoint = new DualWriteEndpoint(dualWrite, null);
        try {
            return (MigrationStatus) endpoint.migration(JpaTestApplication.MIGRATION, SecurityContext.NONE)
                    .getBody();
        } finally {
            endpoint.destroy();
        }
    }

    @SuppressWarnings("unchecked")
    private static DualRepository<Long, PersonEntity, PersonNameEntity> repository(ApplicationContext context) {
        return context.getBean("jpaNamesDualRepository", DualRepository.class);
    }

    private static long total(QueryShadow<?, ?> query) {
        return query.stats().counts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private static void awaitCount(QueryShadow<?, ?> query, ShadowResult result, long count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(query.stats().count(result))
                        .as(query.stats() + " " + query.recentMismatches())
                        .isEqualTo(count));
    }
}
