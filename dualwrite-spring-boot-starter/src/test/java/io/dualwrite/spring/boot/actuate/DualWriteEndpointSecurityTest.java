package io.dualwrite.spring.boot.actuate;

import static io.dualwrite.spring.boot.actuate.TestSecurityContexts.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;

/** The endpoint's own access rule: 401 without a user, 403 without the role, and the user as the audited actor. */
class DualWriteEndpointSecurityTest {

    private final DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
            .singleInstance()
            .migration(Migration.builder("m", Long.class, new NoStore(), new NoStore())
                    .toNew(v -> v)
                    .build())
            .build();
    private final DualWriteEndpoint endpoint = new DualWriteEndpoint(dualWrite, "DUALWRITE_ADMIN");

    @Test
    void anonymousCallsAre401() {
        assertThat(endpoint.migrations(user(null)).getStatus()).isEqualTo(401);
        assertThat(endpoint.migration("m", user(null)).getStatus()).isEqualTo(401);
        assertThat(endpoint.act("m", "advance", null, null, user(null)).getStatus())
                .isEqualTo(401);
        assertThat(dualWrite.auditTrail("m", 10)).isEmpty();
    }

    @Test
    void usersWithoutTheRoleAre403() {
        SecurityContext bob = user("bob", "VIEWER");
        assertThat(endpoint.migrations(bob).getStatus()).isEqualTo(403);
        assertThat(endpoint.act("m", "advance", null, null, bob).getStatus()).isEqualTo(403);
        assertThat(endpoint.act("m", "advance", null, null, bob).getBody().toString())
                .contains("lacks role DUALWRITE_ADMIN");
        assertThat(dualWrite.auditTrail("m", 10)).isEmpty();
    }

    @Test
    void aUserWithTheRoleActsAndIsTheAuditedActor() {
        SecurityContext alice = user("alice", "DUALWRITE_ADMIN");
        assertThat(endpoint.migrations(alice).getStatus()).isEqualTo(200);
        assertThat(endpoint.act("m", "advance", null, "go", alice).getStatus()).isEqualTo(200);
        assertThat(dualWrite.auditTrail("m", 1)).extracting(AuditEntry::actor).containsExactly("alice");
    }

    @Test
    void withoutSpringSecurityTheEndpointAdmitsAnyoneItIsExposedTo() {
        DualWriteEndpoint open = new DualWriteEndpoint(dualWrite, null);
        assertThat(open.act("m", "advance", null, null, user(null)).getStatus()).isEqualTo(200);
        assertThat(dualWrite.auditTrail("m", 1)).extracting(AuditEntry::actor).containsExactly("anonymous");
    }

    @Test
    void theConsoleHasTheSameAccessRuleAndServesThePage() {
        DualWriteConsoleEndpoint console = new DualWriteConsoleEndpoint("DUALWRITE_ADMIN");
        assertThat(console.console(user(null)).getStatus()).isEqualTo(401);
        assertThat(console.console(user("bob", "VIEWER")).getStatus()).isEqualTo(403);
        var page = console.console(user("alice", "DUALWRITE_ADMIN"));
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getBody()).contains("<title>dualwrite console</title>", "new URL(\"dualwrite\"");
        // uPlot, from its WebJar, inlined: the page needs no other request and no internet access.
        assertThat(page.getBody())
                .contains("https://github.com/leeoniya/uPlot", ".uplot")
                .doesNotContain("<!-- chart library -->");
    }

    /** A store with nothing in it; the endpoint's access rule needs no data. */
    static class NoStore implements MigrationStore<Long, Long> {
        public Long keyOf(Long value) {
            return value;
        }

        public Optional<Long> read(Long key) {
            return Optional.empty();
        }

        public Optional<Long> readLocked(Long key) {
            return Optional.empty();
        }

        public void upsert(Long value) {}

        public void insertAbsent(List<Long> values) {}

        public void delete(Long key) {}

        public List<Long> scan(Long after, Long upTo, int limit) {
            return List.of();
        }

        public List<Long> scanLocked(Long after, Long upTo, int limit) {
            return List.of();
        }

        public Optional<Long> maxKey() {
            return Optional.empty();
        }

        public long estimateSize() {
            return 0;
        }

        public Transactions transactions() {
            return ONE_DATABASE;
        }

        /** Both sides share it, so that the migration lives in one database. */
        private static final Transactions ONE_DATABASE = new Transactions() {
            @Override
            public <T> T inTransaction(Supplier<T> work) {
                return work.get();
            }

            @Override
            public <T> T inNewTransaction(Supplier<T> work) {
                return work.get();
            }

            @Override
            public boolean hasOpenTransaction() {
                return false;
            }

            @Override
            public void afterCommit(Runnable action) {
                action.run();
            }
        };

        public String description() {
            return "nothing";
        }
    }
}
