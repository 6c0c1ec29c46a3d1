package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresRoutedQueryTest extends AbstractRoutedQueryTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }
}
