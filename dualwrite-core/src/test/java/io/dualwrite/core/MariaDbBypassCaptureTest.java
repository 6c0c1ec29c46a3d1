package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbBypassCaptureTest extends AbstractOneDatabaseBypassCaptureTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
