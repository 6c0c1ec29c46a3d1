package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresBypassCaptureTest extends AbstractOneDatabaseBypassCaptureTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
