package io.dualwrite.spring.boot;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresCaptureStarterTest extends AbstractCaptureStarterTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
