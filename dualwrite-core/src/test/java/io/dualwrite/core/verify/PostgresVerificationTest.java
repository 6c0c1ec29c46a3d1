package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresVerificationTest extends AbstractVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "verify_postgres";
    }

    @Override
    protected io.dualwrite.core.model.SqlMapping sqlMapping() {
        return io.dualwrite.core.model.SqlMapping.builder()
                .column("first_name", "split_part(full_name, ' ', 1)")
                .column(
                        "last_name",
                        "CASE WHEN strpos(full_name, ' ') = 0 THEN '' ELSE substr(full_name, strpos(full_name, ' ') + 1) END")
                .build();
    }
}
