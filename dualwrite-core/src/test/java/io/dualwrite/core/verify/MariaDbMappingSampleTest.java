package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbMappingSampleTest extends AbstractMappingSampleTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "sample_mariadb";
    }
}
