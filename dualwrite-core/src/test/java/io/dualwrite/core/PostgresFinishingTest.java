package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresFinishingTest extends AbstractFinishingTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
