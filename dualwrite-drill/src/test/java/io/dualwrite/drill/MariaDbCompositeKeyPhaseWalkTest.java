package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/**
 * The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, composite keys {@code (tenant, seq)}
 * declared with {@code compositeKey}, whose tenants the database orders otherwise than Java.
 */
class MariaDbCompositeKeyPhaseWalkTest extends AbstractPhaseWalkTest<WalkKeys.TenantKey> {

    private static final Supplier<TestDatabase> DATABASE = TestDatabases::mariadb;

    MariaDbCompositeKeyPhaseWalkTest() {
        super(WalkSetup.tenantKeys(DATABASE, DATABASE, "walk_maria_ck", "VARCHAR(60)"));
    }
}
