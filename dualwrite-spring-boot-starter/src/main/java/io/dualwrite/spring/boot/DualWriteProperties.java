package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/** Configuration of dualwrite under {@code dualwrite.*}. Defaults equal the core library's. */
@ConfigurationProperties("dualwrite")
public class DualWriteProperties {

    /** Whether dualwrite is auto-configured. */
    private boolean enabled = true;

    /** How often each instance re-reads the phase of every migration from the database. */
    private Duration refreshInterval = DualWrite.DEFAULT_REFRESH_INTERVAL;

    private final Jdbc jdbc = new Jdbc();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    /** dualwrite's own tables. */
    public static class Jdbc {

        /**
         * When to create dualwrite's tables (dualwrite_phase, dualwrite_audit, dualwrite_divergence) at startup. The
         * scripts are idempotent; use NEVER when a schema tool such as Flyway creates them.
         */
        private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

        public DatabaseInitializationMode getInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }
}
