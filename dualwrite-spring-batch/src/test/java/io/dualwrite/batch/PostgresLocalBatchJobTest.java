package io.dualwrite.batch;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresLocalBatchJobTest extends AbstractLocalBatchJobTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
