package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresChecksumEncodingTest extends AbstractChecksumEncodingTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String binaryType() {
        return "BYTEA";
    }
}
