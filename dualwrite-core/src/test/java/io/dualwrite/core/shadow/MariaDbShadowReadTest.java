package io.dualwrite.core.shadow;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbShadowReadTest extends AbstractShadowReadTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }
}
