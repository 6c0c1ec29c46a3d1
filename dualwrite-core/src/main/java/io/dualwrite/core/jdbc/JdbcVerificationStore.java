package io.dualwrite.core.jdbc;

import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationState;
import io.dualwrite.core.verify.VerificationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** A {@link VerificationStore} on dualwrite's table {@code dualwrite_verification} (see {@link DualWriteSchema}). */
public final class JdbcVerificationStore implements VerificationStore {

    private static final String COLUMNS = "migration, state, last_key, rows_checked, divergences, in_flight,"
            + " started_at, updated_at, completed_at, failure, phase_version";

    private final JdbcTransactions transactions;

    public JdbcVerificationStore(DataSource dataSource) {
        this(JdbcTransactions.of(dataSource));
    }

    public JdbcVerificationStore(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Optional<VerificationProgress> find(String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM dualwrite_verification WHERE migration = ?")) {
                select.setString(1, migration);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new VerificationProgress(
                            rs.getString("migration"),
                            VerificationState.valueOf(rs.getString("state")),
                            rs.getString("last_key"),
                            rs.getLong("rows_checked"),
                            rs.getLong("divergences"),
                            rs.getLong("in_flight"),
                            Timestamps.getNullable(rs, "started_at"),
                            Timestamps.get(rs, "updated_at"),
                            Timestamps.getNullable(rs, "completed_at"),
                            rs.getString("failure"),
                            rs.getObject("phase_version") == null ? null : rs.getLong("phase_version")));
                }
            }
        });
    }

    @Override
    public VerificationProgress start(String migration, long phaseVersion, Instant now) {
        transactions.inTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM dualwrite_verification WHERE migration = ?")) {
                delete.setString(1, migration);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_verification (" + COLUMNS
                    + ") VALUES (?, 'RUNNING', NULL, 0, 0, 0, ?, ?, NULL, NULL, ?)")) {
                insert.setString(1, migration);
                Timestamps.set(insert, 2, now);
                Timestamps.set(insert, 3, now);
                insert.setLong(4, phaseVersion);
                return insert.executeUpdate();
            }
        }));
        return find(migration).orElseThrow();
    }

    @Override
    public boolean checkpoint(
            String migration,
            Instant run,
            String lastKey,
            long rowsChecked,
            long divergences,
            long inFlight,
            Instant now) {
        return update(
                "UPDATE dualwrite_verification SET last_key = ?, rows_checked = rows_checked + ?,"
                        + " divergences = divergences + ?, in_flight = in_flight + ?, updated_at = ?"
                        + " WHERE migration = ? AND state = 'RUNNING' AND started_at = ?",
                lastKey,
                rowsChecked,
                divergences,
                inFlight,
                now,
                migration,
                run);
    }

    @Override
    public void complete(String migration, Instant run, Instant now) {
        update(
                "UPDATE dualwrite_verification SET state = 'COMPLETED', completed_at = ?, updated_at = ?"
                        + " WHERE migration = ? AND state = 'RUNNING' AND started_at = ?",
                now,
                now,
                migration,
                run);
    }

    @Override
    public void fail(String migration, Instant run, String reason, Instant now) {
        update(
                "UPDATE dualwrite_verification SET state = 'FAILED', failure = ?, updated_at = ?"
                        + " WHERE migration = ? AND state = 'RUNNING' AND started_at = ?",
                reason.length() > 2000 ? reason.substring(0, 2000) : reason,
                now,
                migration,
                run);
    }

    @Override
    public boolean cancel(String migration, String reason, Instant now) {
        return update(
                "UPDATE dualwrite_verification SET state = 'CANCELLED', failure = ?, updated_at = ?"
                        + " WHERE migration = ? AND state = 'RUNNING'",
                reason.length() > 2000 ? reason.substring(0, 2000) : reason,
                now,
                migration);
    }

    private boolean update(String sql, Object... parameters) {
        return Timestamps.update(transactions, sql, parameters) > 0;
    }
}
