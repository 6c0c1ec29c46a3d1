package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.testsupport.TestDatabase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One {@link JpaContractApplication} context per database, shared by the composite-id tests of a class. */
final class JpaContexts {

    private static final Map<TestDatabase.Kind, ConfigurableApplicationContext> CONTEXTS = new ConcurrentHashMap<>();

    private JpaContexts() {}

    static ConfigurableApplicationContext of(TestDatabase database) {
        return CONTEXTS.computeIfAbsent(
                database.kind(), kind -> new SpringApplicationBuilder(JpaContractApplication.class)
                        .web(WebApplicationType.NONE)
                        .bannerMode(Banner.Mode.OFF)
                        .logStartupInfo(false)
                        .properties(
                                "spring.datasource.url=" + database.jdbcUrl(),
                                "spring.datasource.username=" + database.user(),
                                "spring.datasource.password=" + database.password(),
                                "spring.jpa.hibernate.ddl-auto=create-drop",
                                "spring.jpa.open-in-view=false")
                        .run());
    }

    static void closeAll() {
        CONTEXTS.values().forEach(ConfigurableApplicationContext::close);
        CONTEXTS.clear();
    }
}
