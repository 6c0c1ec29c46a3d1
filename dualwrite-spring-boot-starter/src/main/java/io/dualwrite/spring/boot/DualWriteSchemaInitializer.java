package io.dualwrite.spring.boot;

import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcTransactions;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/** Creates dualwrite's tables at startup, according to {@code dualwrite.jdbc.initialize-schema}. */
public final class DualWriteSchemaInitializer {

    private final boolean initialized;

    DualWriteSchemaInitializer(JdbcTransactions transactions, DataSource dataSource, DatabaseInitializationMode mode) {
        boolean create = mode == DatabaseInitializationMode.ALWAYS
                || (mode == DatabaseInitializationMode.EMBEDDED && EmbeddedDatabaseConnection.isEmbedded(dataSource));
        if (create) {
            DualWriteSchema.create(transactions);
        }
        this.initialized = create;
    }

    /** Whether the tables were created (or found) at startup. */
    public boolean initialized() {
        return initialized;
    }
}
