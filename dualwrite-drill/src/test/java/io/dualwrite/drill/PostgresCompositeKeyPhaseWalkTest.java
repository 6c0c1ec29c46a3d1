package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/**
 * The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, composite keys {@code (tenant, seq)}
 * declared with {@code compositeKey}, whose tenants the database orders otherwise than Java.
 */
class PostgresCompositeKeyPhaseWalkTest extends AbstractPhaseWalkTest<WalkKeys.TenantKey> {

    private static final Supplier<TestDatabase> DATABASE = TestDatabases::postgres;

    PostgresCompositeKeyPhaseWalkTest() {
        super(WalkSetup.tenantKeys(DATABASE, DATABASE, "walk_pg_ck", "VARCHAR(60) COLLATE \"en-x-icu\""));
    }
}
