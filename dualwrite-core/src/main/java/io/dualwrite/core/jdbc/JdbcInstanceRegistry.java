package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.InstanceState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * An {@link InstanceRegistry} on dualwrite's table {@code dualwrite_instance} (see {@link DualWriteSchema}): one
 * row per migration and instance, replaced by every heartbeat.
 */
public final class JdbcInstanceRegistry implements InstanceRegistry {

    private final JdbcTransactions transactions;

    public JdbcInstanceRegistry(DataSource dataSource) {
        this(JdbcTransactions.of(dataSource));
    }

    public JdbcInstanceRegistry(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public void heartbeat(InstanceState state) {
        transactions.withConnection(c -> {
            if (update(c, state) == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_instance"
                        + " (phase, version, last_seen, migration, instance_id) VALUES (?, ?, ?, ?, ?)")) {
                    bind(insert, state);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!transactions.dialect().isDuplicateKey(e)) {
                        throw e;
                    }
                    // The same instance's previous heartbeat inserted the row meanwhile.
                    update(c, state);
                }
            }
            return null;
        });
    }

    @Override
    public List<InstanceState> instances(String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT instance_id, migration, phase, version,"
                    + " last_seen FROM dualwrite_instance WHERE migration = ? ORDER BY instance_id")) {
                select.setString(1, migration);
                List<InstanceState> states = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        states.add(new InstanceState(
                                rs.getString("instance_id"),
                                rs.getString("migration"),
                                MigrationPhase.valueOf(rs.getString("phase")),
                                rs.getLong("version"),
                                Timestamps.get(rs, "last_seen")));
                    }
                }
                return states;
            }
        });
    }

    @Override
    public void leave(String instanceId) {
        Timestamps.update(transactions, "DELETE FROM dualwrite_instance WHERE instance_id = ?", instanceId);
    }

    private static int update(java.sql.Connection c, InstanceState state) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE dualwrite_instance SET phase = ?, version = ?,"
                + " last_seen = ? WHERE migration = ? AND instance_id = ?")) {
            bind(update, state);
            return update.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, InstanceState state) throws SQLException {
        statement.setString(1, state.phase().name());
        statement.setLong(2, state.version());
        Timestamps.set(statement, 3, state.lastSeen());
        statement.setString(4, state.migration());
        statement.setString(5, state.instanceId());
    }
}
