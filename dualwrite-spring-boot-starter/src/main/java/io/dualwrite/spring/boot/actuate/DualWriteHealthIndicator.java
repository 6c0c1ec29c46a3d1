package io.dualwrite.spring.boot.actuate;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.ManagedMigration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports each migration's phase and ledger size. It is UP whatever they are: divergence is information for the
 * operator, not an outage, and taking instances out of a load balancer for it would make things worse. It is DOWN
 * only when dualwrite's own tables cannot be read.
 */
public class DualWriteHealthIndicator extends AbstractHealthIndicator {

    private final DualWrite dualWrite;

    public DualWriteHealthIndicator(DualWrite dualWrite) {
        super("dualwrite health check failed");
        this.dualWrite = dualWrite;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Object> migrations = new LinkedHashMap<>();
        for (ManagedMigration<?, ?, ?> migration : dualWrite.managedMigrations()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("phase", migration.state().phase().name());
            try {
                details.put("ledgerSize", migration.ledgerSize());
            } catch (RuntimeException e) {
                // Information, not an outage of this application: the database's own health says whether it is up.
                details.put("ledgerSize", "unavailable: " + e.getMessage());
            }
            migrations.put(migration.name(), details);
        }
        builder.up().withDetail("migrations", migrations);
    }
}
