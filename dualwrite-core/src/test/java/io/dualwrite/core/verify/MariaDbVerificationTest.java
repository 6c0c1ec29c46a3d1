package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbVerificationTest extends AbstractVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "verify_mariadb";
    }

    @Override
    protected io.dualwrite.core.model.SqlMapping sqlMapping() {
        return io.dualwrite.core.model.SqlMapping.builder()
                .column("first_name", "SUBSTRING_INDEX(full_name, ' ', 1)")
                .column(
                        "last_name",
                        "CASE WHEN LOCATE(' ', full_name) = 0 THEN '' ELSE SUBSTRING(full_name, LOCATE(' ', full_name) + 1) END")
                .build();
    }
}
