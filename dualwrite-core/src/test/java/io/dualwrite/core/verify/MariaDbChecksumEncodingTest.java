package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbChecksumEncodingTest extends AbstractChecksumEncodingTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String binaryType() {
        return "VARBINARY(16)";
    }
}
