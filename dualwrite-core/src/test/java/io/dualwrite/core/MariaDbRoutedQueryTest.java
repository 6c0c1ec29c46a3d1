package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbRoutedQueryTest extends AbstractRoutedQueryTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }
}
