package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/**
 * The randomized phase walks (see {@link AbstractPhaseWalkTest}) on H2, composite keys {@code (tenant, seq)}
 * declared with {@code compositeKey}, whose tenants the database orders otherwise than Java.
 */
class H2CompositeKeyPhaseWalkTest extends AbstractPhaseWalkTest<WalkKeys.TenantKey> {

    /** One in-memory database for every walk: each call of {@code TestDatabases.h2()} makes a new, empty one. */
    private static final Supplier<TestDatabase> DATABASE = new Supplier<>() {
        private TestDatabase database;

        @Override
        public synchronized TestDatabase get() {
            if (database == null) {
                database = TestDatabases.h2();
            }
            return database;
        }
    };

    H2CompositeKeyPhaseWalkTest() {
        super(WalkSetup.tenantKeys(DATABASE, DATABASE, "walk_h2_ck", "VARCHAR(60)"));
    }
}
