package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB keeps table counters only with {@code userstat=ON}: the shared tests turn it on (and restore it); without
 * it the gates answer "unknown" and a move needs force.
 */
class MariaDbOldSideGatesTest extends AbstractOldSideGatesTest {

    private boolean userstatBefore;

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }

    @Override
    protected void flushSoon(Connection connection) {
        // MariaDB adds a statement's rows to TABLE_STATISTICS when it ends
    }

    @BeforeEach
    void turnUserstatOn() throws SQLException {
        userstatBefore = userstat();
        setUserstat(true);
    }

    @AfterEach
    void restoreUserstat() throws SQLException {
        setUserstat(userstatBefore);
    }

    @Test
    void withoutUserstatTheGatesAnswerUnknownAndAMoveNeedsForce() throws SQLException {
        setUserstat(false);
        ManagedMigration<Long, People.Person, People.PersonName> managed = build(false);
        managed.advance(TransitionRequest.by("alice", "dual writes"));
        managed.advance(TransitionRequest.by("alice", "copy"));
        plainSql("UPDATE oldside_old SET full_name = 'Legacy Job'");

        GateResult readNew = gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES);
        assertThat(readNew.passed()).isFalse();
        assertThat(readNew.detail()).startsWith("unknown: ").contains("userstat=ON", "force");
        assertThatThrownBy(() -> managed.advance(TransitionRequest.by("alice", "read new")))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> assertThat(e.failedGates())
                        .anyMatch(g -> g.name().equals(OldSideGates.BYPASS_WRITES)
                                && g.detail().startsWith("unknown")));

        forceTo(managed, MigrationPhase.DROP_OLD);
        GateResult finishing = gate(managed.finishingGates(), OldSideGates.OLD_SIDE_UNUSED);
        assertThat(finishing.passed()).isFalse();
        assertThat(finishing.detail()).startsWith("unknown: ").doesNotContain(" 0 reads");
        assertThatThrownBy(() -> managed.finish(TransitionRequest.by("alice", "done")))
                .isInstanceOf(TransitionRefusedException.class);
        managed.finish(TransitionRequest.forcedBy("alice", "checked the general log: nothing reads the table"));
        assertThat(managed.finished()).isPresent();
    }

    private boolean userstat() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@userstat")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void setUserstat(boolean on) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET GLOBAL userstat = " + (on ? 1 : 0));
        }
    }
}
