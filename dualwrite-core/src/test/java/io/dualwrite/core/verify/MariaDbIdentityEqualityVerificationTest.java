package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbIdentityEqualityVerificationTest extends AbstractIdentityEqualityVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "identity_mariadb";
    }
}
