package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresCompositeKeySqlMappingTest extends AbstractCompositeKeySqlMappingTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "ck_sql_pg";
    }

    @Override
    protected String tenantType() {
        return "VARCHAR(20) COLLATE \"en-x-icu\"";
    }
}
