package io.dualwrite.spring.boot.jpa.guide;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJpaGuideTest extends AbstractJpaGuideTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
