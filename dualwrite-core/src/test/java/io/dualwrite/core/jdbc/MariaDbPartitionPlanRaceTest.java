package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbPartitionPlanRaceTest extends AbstractPartitionPlanRaceTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }
}
