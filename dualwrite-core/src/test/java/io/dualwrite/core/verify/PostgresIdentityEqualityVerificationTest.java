package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresIdentityEqualityVerificationTest extends AbstractIdentityEqualityVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "identity_postgres";
    }
}
