package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link PhaseStore} on dualwrite's tables {@code dualwrite_phase}, {@code dualwrite_audit} and
 * {@code dualwrite_resync} (see {@link DualWriteSchema}). A transition is one transaction: a compare-and-set of the version, and the audit row.
 */
public final class JdbcPhaseStore implements PhaseStore {

    private static final String SELECT_STATE =
            "SELECT migration, phase, version, changed_at, changed_by FROM dualwrite_phase WHERE migration = ?";

    private final JdbcTransactions transactions;

    public JdbcPhaseStore(DataSource dataSource) {
        this(JdbcTransactions.of(dataSource));
    }

    public JdbcPhaseStore(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public PhaseState initialize(String migration, MigrationPhase initialPhase, String actor, Instant at) {
        Optional<PhaseState> existing = find(migration);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            transactions.withConnection(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_phase"
                        + " (migration, phase, version, changed_at, changed_by) VALUES (?, ?, 0, ?, ?)")) {
                    insert.setString(1, migration);
                    insert.setString(2, initialPhase.name());
                    Timestamps.set(insert, 3, at);
                    insert.setString(4, actor);
                    return insert.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            // Another instance stored it first: its row wins, and is read below.
            if (find(migration).isEmpty()) {
                throw e;
            }
        }
        return find(migration).orElseThrow();
    }

    @Override
    public Optional<PhaseState> find(String migration) {
        return transactions.withConnection(c -> read(c, migration));
    }

    @Override
    public PhaseState transition(PhaseState expected, AuditEntry entry) {
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE dualwrite_phase SET phase = ?,"
                    + " version = version + 1, changed_at = ?, changed_by = ? WHERE migration = ? AND version = ?")) {
                update.setString(1, entry.to().name());
                Timestamps.set(update, 2, entry.occurredAt());
                update.setString(3, entry.actor());
                update.setString(4, expected.migration());
                update.setLong(5, expected.version());
                if (update.executeUpdate() != 1) {
                    long actual = read(c, expected.migration())
                            .map(PhaseState::version)
                            .orElse(-1L);
                    throw new ConcurrentTransitionException(expected.migration(), expected.version(), actual);
                }
            }
            insertAudit(c, entry);
            if (transactions.dialect() == SqlDialect.POSTGRESQL) {
                // Delivered to every listener when this transaction commits (see PostgresPhaseNotifications).
                try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    notify.setString(1, PostgresPhaseNotifications.CHANNEL);
                    notify.setString(2, expected.migration());
                    notify.execute();
                }
            }
            return read(c, expected.migration()).orElseThrow();
        }));
    }

    @Override
    public void audit(AuditEntry entry) {
        transactions.withConnection(c -> {
            insertAudit(c, entry);
            return null;
        });
    }

    @Override
    public List<AuditEntry> auditTrail(String migration, int limit) {
        return entries(
                "SELECT migration, event, from_phase, to_phase, version, actor, reason, evidence, occurred_at"
                        + " FROM dualwrite_audit WHERE migration = ? ORDER BY id DESC LIMIT " + Math.max(0, limit),
                migration);
    }

    @Override
    public Optional<AuditEntry> finished(String migration) {
        return entries(
                        "SELECT migration, event, from_phase, to_phase, version, actor, reason, evidence, occurred_at"
                                + " FROM dualwrite_audit WHERE migration = ? AND event = 'FINISHED'"
                                + " ORDER BY id DESC LIMIT 1",
                        migration)
                .stream()
                .findFirst();
    }

    @Override
    public Optional<AuditEntry> completed(String migration, long version) {
        return entries(
                        "SELECT migration, event, from_phase, to_phase, version, actor, reason, evidence, occurred_at"
                                + " FROM dualwrite_audit WHERE migration = ? AND event = 'COMPLETED' AND version = "
                                + version + " ORDER BY id LIMIT 1",
                        migration)
                .stream()
                .findFirst();
    }

    private List<AuditEntry> entries(String sql, String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, migration);
                List<AuditEntry> entries = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new AuditEntry(
                                rs.getString("migration"),
                                AuditEntry.Event.valueOf(rs.getString("event")),
                                MigrationPhase.valueOf(rs.getString("from_phase")),
                                MigrationPhase.valueOf(rs.getString("to_phase")),
                                rs.getLong("version"),
                                rs.getString("actor"),
                                rs.getString("reason"),
                                EvidenceText.parse(rs.getString("evidence")),
                                Timestamps.get(rs, "occurred_at")));
                    }
                }
                return entries;
            }
        });
    }

    private static Optional<PhaseState> read(Connection c, String migration) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(SELECT_STATE)) {
            select.setString(1, migration);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PhaseState(
                        rs.getString("migration"),
                        MigrationPhase.valueOf(rs.getString("phase")),
                        rs.getLong("version"),
                        Timestamps.get(rs, "changed_at"),
                        rs.getString("changed_by")));
            }
        }
    }

    private static void insertAudit(Connection c, AuditEntry entry) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_audit (migration, event,"
                + " from_phase, to_phase, version, actor, reason, evidence, occurred_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, entry.migration());
            insert.setString(2, entry.event().name());
            insert.setString(3, entry.from().name());
            insert.setString(4, entry.to().name());
            insert.setLong(5, entry.version());
            insert.setString(6, entry.actor());
            insert.setString(7, entry.reason());
            insert.setString(8, EvidenceText.format(entry.evidence()));
            Timestamps.set(insert, 9, entry.occurredAt());
            insert.executeUpdate();
        }
    }

    /** Gate evidence as text, one gate per line: {@code PASS name: detail} or {@code FAIL name: detail}. */
    static final class EvidenceText {
        private EvidenceText() {}

        static String format(List<GateResult> evidence) {
            StringBuilder text = new StringBuilder();
            for (GateResult gate : evidence) {
                text.append(gate.passed() ? "PASS " : "FAIL ")
                        .append(gate.name().replace(": ", " ").replace('\n', ' '))
                        .append(": ")
                        .append(gate.detail().replace('\n', ' '))
                        .append('\n');
            }
            return text.toString();
        }

        static List<GateResult> parse(String text) {
            List<GateResult> gates = new ArrayList<>();
            for (String line : text.split("\n")) {
                int colon = line.indexOf(": ");
                if (line.length() < 5 || colon < 0) {
                    continue;
                }
                gates.add(new GateResult(line.substring(5, colon), line.startsWith("PASS"), line.substring(colon + 2)));
            }
            return gates;
        }
    }

    @Override
    public Optional<Resync> findResync(String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT migration, phase_version, state, keys_found,"
                    + " keys_left, started_at, updated_at, completed_at, detail FROM dualwrite_resync"
                    + " WHERE migration = ?")) {
                select.setString(1, migration);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Resync(
                            rs.getString("migration"),
                            rs.getLong("phase_version"),
                            Resync.State.valueOf(rs.getString("state")),
                            rs.getLong("keys_found"),
                            rs.getLong("keys_left"),
                            Timestamps.get(rs, "started_at"),
                            Timestamps.get(rs, "updated_at"),
                            Timestamps.getNullable(rs, "completed_at"),
                            rs.getString("detail")));
                }
            }
        });
    }

    @Override
    public void saveResync(Resync resync) {
        String sql = transactions
                .dialect()
                .upsert(
                        "dualwrite_resync",
                        "migration",
                        List.of(
                                "phase_version",
                                "state",
                                "keys_found",
                                "keys_left",
                                "started_at",
                                "updated_at",
                                "completed_at",
                                "detail"));
        String detail = resync.detail();
        Timestamps.update(
                transactions,
                sql,
                resync.migration(),
                resync.phaseVersion(),
                resync.state().name(),
                resync.keysFound(),
                resync.keysLeft(),
                resync.startedAt(),
                resync.updatedAt(),
                resync.completedAt(),
                detail != null && detail.length() > 2000 ? detail.substring(0, 2000) : detail);
    }
}
