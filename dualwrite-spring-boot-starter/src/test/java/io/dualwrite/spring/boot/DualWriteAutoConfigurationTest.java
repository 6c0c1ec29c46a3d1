package io.dualwrite.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.phase.PhaseStore;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class DualWriteAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    DualWriteJdbcAutoConfiguration.class,
                    DualWriteResilienceAutoConfiguration.class,
                    DualWriteAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:autoconfig-" + java.util.UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1");

    @Test
    void registersEveryMigrationBeanOnTheJdbcPhaseStore() {
        runner.withUserConfiguration(NamesMigration.class).run(context -> {
            assertThat(context).hasSingleBean(DualWrite.class);
            assertThat(context.getBean(PhaseStore.class)).isInstanceOf(JdbcPhaseStore.class);
            assertThat(context.getBean(JdbcTransactions.class)).isInstanceOf(SpringJdbcTransactions.class);
            DualWrite dualWrite = context.getBean(DualWrite.class);
            assertThat(dualWrite.migrations()).extracting(Migration::name).containsExactly("names");
            assertThat(dualWrite.phase("names")).isEqualTo(MigrationPhase.OLD_ONLY);
            assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                            .queryForObject(
                                    "SELECT phase FROM dualwrite_phase WHERE migration = 'names'", String.class))
                    .isEqualTo("OLD_ONLY");
        });
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("dualwrite.enabled=false")
                .run(context ->
                        assertThat(context).doesNotHaveBean(DualWrite.class).doesNotHaveBean(PhaseStore.class));
    }

    @Test
    void backsOffWithoutADataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .run(context -> assertThat(context)
                        .doesNotHaveBean(DualWrite.class)
                        .doesNotHaveBean(io.dualwrite.core.phase.PhaseStore.class));
    }

    @Test
    void usesTheApplicationsOwnPhaseStoreAndSkipsTheSchemaWhenToldTo() {
        runner.withUserConfiguration(NamesMigration.class)
                .withBean(PhaseStore.class, InMemoryPhaseStore::new)
                .withPropertyValues("dualwrite.jdbc.initialize-schema=never")
                .run(context -> {
                    assertThat(context.getBean(PhaseStore.class)).isInstanceOf(InMemoryPhaseStore.class);
                    assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                                    .queryForObject(
                                            "SELECT COUNT(*) FROM information_schema.tables"
                                                    + " WHERE LOWER(table_name) = 'dualwrite_phase'",
                                            Integer.class))
                            .isZero();
                });
    }

    @Test
    void appliesTheRefreshIntervalAndCustomizers() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.refresh-interval=250ms")
                .withBean(
                        DualWriteBuilderCustomizer.class,
                        () -> builder -> builder.guard((m, t) -> List.of(
                                io.dualwrite.core.model.GateResult.fail("customized", "added by a customizer"))))
                .run(context -> {
                    assertThat(context.getBean(DualWriteProperties.class).getRefreshInterval())
                            .isEqualTo(Duration.ofMillis(250));
                    assertThat(context.getBean(DualWrite.class).gates("names", MigrationPhase.DUAL_WRITE))
                            .extracting(io.dualwrite.core.model.GateResult::name)
                            .containsExactly(DualWrite.BARRIER_GATE, "customized");
                });
    }

    @Test
    void backfillPropertyDefaultsAreTheCoreDefaults() {
        assertThat(DualWriteOptionsMapper.backfill(new DualWriteProperties().getBackfill()))
                .isEqualTo(io.dualwrite.core.backfill.BackfillOptions.defaults());
        assertThat(new DualWriteProperties().getRefreshInterval()).isEqualTo(DualWrite.DEFAULT_REFRESH_INTERVAL);
        assertThat(DualWriteOptionsMapper.shadowReads(new DualWriteProperties().getShadowReads()))
                .isEqualTo(io.dualwrite.core.shadow.ShadowReadOptions.defaults());
        assertThat(new DualWriteProperties().getRepairInterval()).isNull();
    }

    @Test
    void invalidBackfillSettingsFailStartupNamingTheProblem() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.backfill.min-chunk-size=500", "dualwrite.backfill.max-chunk-size=100")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining(
                                "maxChunkSize (at least minChunkSize) must be at least 500, but was 100"));
    }

    @Test
    void anOutOfRangeSampleRateFailsStartupNamingTheProperty() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.shadow-reads.sample-rate=1.5")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("sampleRate must be between 0 and 1, but was 1.5"));
    }

    @Test
    void enteringBackfillCopiesTheRowsInTheBackground() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.backfill.poll-interval=20ms")
                .run(context -> {
                    JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
                    for (int id = 1; id <= 50; id++) {
                        jdbc.update("INSERT INTO person_full (id, name) VALUES (?, ?)", id, "First" + id + " Last");
                    }
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    dualWrite.advance("names", TransitionRequest.by("ops", "dual writes"));
                    dualWrite.advance("names", TransitionRequest.by("ops", "backfill"));

                    org.awaitility.Awaitility.await()
                            .atMost(Duration.ofSeconds(20))
                            .until(() -> dualWrite.backfill("names").progress().state()
                                    == io.dualwrite.core.backfill.BackfillState.COMPLETED);
                    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM person_split", Integer.class))
                            .isEqualTo(50);
                });
    }

    @Test
    void bindsMetricsWhenMicrometerIsPresent() {
        runner.withUserConfiguration(NamesMigration.class)
                .withBean(
                        io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withConfiguration(AutoConfigurations.of(DualWriteMetricsAutoConfiguration.class))
                .run(context -> {
                    var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    context.getBean(io.dualwrite.core.metrics.DualWriteMetrics.class)
                            .bindTo(registry);
                    assertThat(registry.get("dualwrite.migration.phase")
                                    .tag("migration", "names")
                                    .gauge()
                                    .value())
                            .isZero();
                });
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        ApplicationContextRunner withEndpoint = runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration.class,
                        DualWriteEndpointAutoConfiguration.class))
                .withUserConfiguration(NamesMigration.class);
        withEndpoint.run(context ->
                assertThat(context).doesNotHaveBean(io.dualwrite.spring.boot.actuate.DualWriteEndpoint.class));
        withEndpoint
                .withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .run(context ->
                        assertThat(context).hasSingleBean(io.dualwrite.spring.boot.actuate.DualWriteEndpoint.class));
    }

    @Test
    void theConsoleExistsOnlyWhenItAndTheEndpointAreExposed() {
        ApplicationContextRunner withConsole = runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration.class,
                        DualWriteEndpointAutoConfiguration.class,
                        DualWriteConsoleAutoConfiguration.class))
                .withUserConfiguration(NamesMigration.class);
        Class<?> console = io.dualwrite.spring.boot.actuate.DualWriteConsoleEndpoint.class;
        withConsole.run(context -> assertThat(context).doesNotHaveBean(console));
        withConsole
                .withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .run(context -> assertThat(context).doesNotHaveBean(console));
        withConsole
                .withPropertyValues("management.endpoints.web.exposure.include=dualwriteconsole")
                .run(context -> assertThat(context).doesNotHaveBean(console));
        withConsole
                .withPropertyValues("management.endpoints.web.exposure.include=dualwrite,dualwriteconsole")
                .run(context -> assertThat(context).hasSingleBean(console));
    }

    @Test
    void healthReportsPhasesAndStaysUpWhenTheSidesDiverge() {
        runner.withConfiguration(AutoConfigurations.of(DualWriteHealthAutoConfiguration.class))
                .withUserConfiguration(NamesMigration.class)
                .run(context -> {
                    var indicator = context.getBean(io.dualwrite.spring.boot.actuate.DualWriteHealthIndicator.class);
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    dualWrite.advance("names", TransitionRequest.by("ops", null));
                    new JdbcTemplate(context.getBean(DataSource.class))
                            .update("INSERT INTO dualwrite_divergence (migration, entity_key, cause, detail,"
                                    + " recorded_at) VALUES ('names', '7', 'VERIFICATION', 'x', CURRENT_TIMESTAMP)");

                    var health = indicator.health(true);

                    assertThat(health.getStatus().getCode()).isEqualTo("UP");
                    assertThat(health.getDetails().toString()).contains("names={phase=DUAL_WRITE, ledgerSize=1}");
                });
        runner.withConfiguration(AutoConfigurations.of(DualWriteHealthAutoConfiguration.class))
                .withUserConfiguration(NamesMigration.class)
                .withPropertyValues("management.health.dualwrite.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean(io.dualwrite.spring.boot.actuate.DualWriteHealthIndicator.class));
    }

    @Test
    void perMigrationSettingsOverrideTheGlobalOnes() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues(
                        "dualwrite.shadow-reads.timeout=300ms",
                        "dualwrite.migrations.names.sample-rate=1",
                        "dualwrite.migrations.names.backfill-max-rows-per-second=500")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    var shadow = dualWrite.managed("names").shadowReads().options();
                    assertThat(shadow.sampleRate()).isEqualTo(1.0);
                    assertThat(shadow.timeout()).isEqualTo(Duration.ofMillis(300));
                    assertThat(dualWrite.backfill("names").options().maxRowsPerSecond())
                            .isEqualTo(500);
                });
    }

    @Test
    void eachMigrationGetsItsOwnOverridesAndInheritsTheGlobalSettingsItDoesNotOverride() {
        runner.withUserConfiguration(NamesMigration.class, OtherMigration.class)
                .withPropertyValues(
                        "dualwrite.shadow-reads.sample-rate=0.5",
                        "dualwrite.backfill.max-rows-per-second=100",
                        "dualwrite.gates.min-shadow-samples=5",
                        "dualwrite.migrations.names.sample-rate=1",
                        "dualwrite.migrations.names.backfill-target-chunk-time=2s",
                        "dualwrite.migrations.names.min-shadow-samples=7",
                        "dualwrite.migrations.names.autopilot.enabled=true")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(dualWrite
                                    .managed("names")
                                    .shadowReads()
                                    .options()
                                    .sampleRate())
                            .isEqualTo(1.0);
                    assertThat(dualWrite
                                    .managed("others")
                                    .shadowReads()
                                    .options()
                                    .sampleRate())
                            .isEqualTo(0.5);
                    var names = dualWrite.backfill("names").options();
                    assertThat(names.targetChunkTime()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(names.maxRowsPerSecond()).isEqualTo(100);
                    var others = dualWrite.backfill("others").options();
                    assertThat(others.targetChunkTime())
                            .isEqualTo(io.dualwrite.core.backfill.BackfillOptions.DEFAULT_TARGET_CHUNK_TIME);
                    assertThat(others.maxRowsPerSecond()).isEqualTo(100);
                    for (String migration : List.of("names", "others")) {
                        dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
                        dualWrite.advance(migration, TransitionRequest.by("test", "backfill"));
                    }
                    assertThat(shadowGateDetail(dualWrite, "names")).contains("needs at least 7 comparisons");
                    assertThat(shadowGateDetail(dualWrite, "others")).contains("needs at least 5 comparisons");
                    assertThat(dualWrite.managed("names").autopilotEnabled()).isTrue();
                    assertThat(dualWrite.managed("others").autopilotEnabled()).isFalse();
                });
    }

    @Test
    void settingsForAMigrationACustomizerRegistersApplyToIt() {
        runner.withUserConfiguration(NamesMigration.class, CustomizerMigration.class)
                .withPropertyValues(
                        "dualwrite.shadow-reads.timeout=300ms",
                        "dualwrite.migrations.added.sample-rate=1",
                        "dualwrite.migrations.added.backfill-max-rows-per-second=500")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    var shadow = dualWrite.managed("added").shadowReads().options();
                    assertThat(shadow.sampleRate()).isEqualTo(1.0);
                    assertThat(shadow.timeout()).isEqualTo(Duration.ofMillis(300));
                    assertThat(dualWrite.backfill("added").options().maxRowsPerSecond())
                            .isEqualTo(500);
                    assertThat(dualWrite
                                    .managed("names")
                                    .shadowReads()
                                    .options()
                                    .sampleRate())
                            .isEqualTo(io.dualwrite.core.shadow.ShadowReadOptions.DEFAULT_SAMPLE_RATE);
                });
    }

    private static String shadowGateDetail(DualWrite dualWrite, String migration) {
        return dualWrite.gates(migration, MigrationPhase.READ_NEW).stream()
                .filter(g -> g.name().equals("shadow-mismatch-rate"))
                .findFirst()
                .orElseThrow()
                .detail();
    }

    @Configuration(proxyBeanMethods = false)
    static class OtherMigration {
        @Bean
        Migration<Long, NamesMigration.Full, NamesMigration.Split> others(
                JdbcTransactions transactions, DataSource dataSource) {
            return NamesMigration.migration("others", "other", transactions, dataSource);
        }
    }

    /** A migration that is no bean: a customizer registers it. */
    @Configuration(proxyBeanMethods = false)
    static class CustomizerMigration {
        @Bean
        DualWriteBuilderCustomizer addedMigration(JdbcTransactions transactions, DataSource dataSource) {
            return builder -> builder.migration(NamesMigration.migration("added", "added", transactions, dataSource));
        }
    }

    @Test
    void invalidBreakerSettingsFailStartupNamingThem() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.circuit-breaker.failure-rate-threshold=150")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining(
                                "Invalid dualwrite.circuit-breaker.* configuration: failureRateThreshold"));
    }

    @Test
    void settingsForAnUnknownMigrationFailStartupNamingIt() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.migrations.nmaes.sample-rate=1")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Settings name migrations that are not registered: [nmaes];"
                                + " registered migrations are [names]"));
    }

    @Test
    void dualWritesJoinTheCallersSpringTransaction() {
        runner.withUserConfiguration(NamesMigration.class).run(context -> {
            DualWrite dualWrite = context.getBean(DualWrite.class);
            dualWrite.advance("names", TransitionRequest.by("test", "dual writes"));
            @SuppressWarnings("unchecked")
            DualRepository<Long, NamesMigration.Full, NamesMigration.Split> names =
                    (DualRepository<Long, NamesMigration.Full, NamesMigration.Split>) dualWrite.repository("names");
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));

            transaction.executeWithoutResult(status -> {
                names.write(new NamesMigration.Full(1, "Ada Lovelace"));
                status.setRollbackOnly();
            });
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM person_full", Integer.class))
                    .isZero();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM person_split", Integer.class))
                    .isZero();

            transaction.executeWithoutResult(status -> names.write(new NamesMigration.Full(1, "Ada Lovelace")));
            assertThat(jdbc.queryForObject("SELECT first_name FROM person_split WHERE id = 1", String.class))
                    .isEqualTo("Ada");
        });
    }

    @Test
    void eachMigrationIsInjectableAsATypedDualRepository() {
        runner.withUserConfiguration(NamesMigration.class, NamesService.class).run(context -> {
            assertThat(context).hasBean("namesDualRepository");
            NamesService service = context.getBean(NamesService.class);
            context.getBean(DualWrite.class).advance("names", TransitionRequest.by("test", "dual writes"));

            service.names.write(new NamesMigration.Full(7, "Grace Hopper"));

            assertThat(service.names.read(7L)).contains(new NamesMigration.Split(7, "Grace", "Hopper"));
            assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                            .queryForObject("SELECT last_name FROM person_split WHERE id = 7", String.class))
                    .isEqualTo("Hopper");
        });
    }

    @Test
    void aDualRepositoryBeanTheApplicationDeclaresWinsOverTheRegisteredOne() {
        runner.withUserConfiguration(NamesMigration.class, NamesService.class, OwnRepository.class)
                .run(context -> {
                    assertThat(context).hasBean("namesDualRepository").hasBean("ownNames");
                    assertThat(context.getBean(NamesService.class).names).isSameAs(context.getBean("ownNames"));
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRepository {
        @Bean
        DualRepository<Long, NamesMigration.Full, NamesMigration.Split> ownNames(DualWrite dualWrite) {
            @SuppressWarnings("unchecked")
            DualRepository<Long, NamesMigration.Full, NamesMigration.Split> names =
                    (DualRepository<Long, NamesMigration.Full, NamesMigration.Split>) dualWrite.repository("names");
            return names;
        }
    }

    @Test
    void theInstanceRegistryIsOnByDefaultAndCanBeSwitchedOff() {
        runner.withUserConfiguration(NamesMigration.class).run(context -> {
            assertThat(context.getBean(io.dualwrite.core.phase.InstanceRegistry.class))
                    .isInstanceOf(io.dualwrite.core.jdbc.JdbcInstanceRegistry.class);
            DualWrite dualWrite = context.getBean(DualWrite.class);
            assertThat(dualWrite.managed("names").liveInstances())
                    .extracting(io.dualwrite.core.phase.InstanceState::instanceId)
                    .containsExactly(dualWrite.instanceId());
        });
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.instances.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(io.dualwrite.core.phase.InstanceRegistry.class);
                    assertThat(context.getBean(DualWrite.class).managed("names").liveInstances())
                            .isEmpty();
                });
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.instances.timeout=500ms")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("Invalid dualwrite.instances.* configuration"));
        DualWriteProperties.Instances defaults = new DualWriteProperties().getInstances();
        assertThat(defaults.getHeartbeatInterval()).isEqualTo(DualWrite.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(defaults.getTimeout()).isEqualTo(DualWrite.DEFAULT_INSTANCE_TIMEOUT);
    }

    @Test
    void gateSettingsDefaultToTheCoreDefaultsAndCanBeSetPerMigration() {
        assertThat(DualWriteOptionsMapper.gates(new DualWriteProperties().getGates()))
                .isEqualTo(io.dualwrite.core.GateOptions.defaults());
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues(
                        "dualwrite.gates.min-shadow-samples=5", "dualwrite.migrations.names.min-shadow-samples=7")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    dualWrite.advance("names", TransitionRequest.by("test", "dual writes"));
                    dualWrite.advance("names", TransitionRequest.by("test", "backfill"));
                    assertThat(dualWrite.gates("names", MigrationPhase.READ_NEW))
                            .filteredOn(g -> g.name().equals("shadow-mismatch-rate"))
                            .singleElement()
                            .satisfies(g -> assertThat(g.detail()).contains("needs at least 7 comparisons"));
                });
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.gates.max-mismatch-rate=2")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("Invalid dualwrite.gates.* configuration: maxMismatchRate"));
    }

    @Test
    void theAutopilotIsOffUnlessEnabledPerMigration() {
        assertThat(DualWriteOptionsMapper.autopilot("names", new DualWriteProperties.Autopilot()))
                .isEqualTo(io.dualwrite.core.AutopilotOptions.off());
        assertThat(new DualWriteProperties().getAutopilotInterval()).isEqualTo(DualWrite.DEFAULT_AUTOPILOT_INTERVAL);
        runner.withUserConfiguration(NamesMigration.class).run(context -> assertThat(
                        context.getBean(DualWrite.class).managed("names").autopilotEnabled())
                .isFalse());
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.migrations.names.autopilot.enabled=true")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(dualWrite.managed("names").autopilotEnabled()).isTrue();
                    assertThat(dualWrite.managed("names").autopilotActive()).isTrue();
                });
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues(
                        "dualwrite.migrations.names.autopilot.enabled=true",
                        "dualwrite.migrations.names.autopilot.final-phase=OLD_ONLY")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("Invalid dualwrite.migrations.names.autopilot.* configuration")
                        .hasStackTraceContaining("finalPhase must be after OLD_ONLY"));
    }

    @Test
    void theResilienceCustomizersFollowTheirSwitches() {
        runner.withUserConfiguration(NamesMigration.class)
                .run(context ->
                        assertThat(context).hasBean("dualWriteCircuitBreakers").hasBean("dualWriteTimeLimiter"));
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.circuit-breaker.enabled=false", "dualwrite.time-limiter.enabled=false")
                .run(context -> assertThat(context)
                        .hasSingleBean(DualWrite.class)
                        .doesNotHaveBean("dualWriteCircuitBreakers")
                        .doesNotHaveBean("dualWriteTimeLimiter"));
        runner.withUserConfiguration(NamesMigration.class)
                .run(context -> assertThat(context).hasBean("dualWritePhaseNotifications"));
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.notifications.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("dualWritePhaseNotifications"));
    }

    @Test
    void anApplicationsOwnStoresReplaceTheJdbcOnes() {
        runner.withUserConfiguration(NamesMigration.class)
                .withBean(
                        io.dualwrite.core.backfill.BackfillStore.class,
                        io.dualwrite.core.backfill.InMemoryBackfillStore::new)
                .run(context -> {
                    assertThat(context.getBean(io.dualwrite.core.backfill.BackfillStore.class))
                            .isInstanceOf(io.dualwrite.core.backfill.InMemoryBackfillStore.class);
                    assertThat(context.getBean(DualWrite.class).managed("names").hasBackfill())
                            .isTrue();
                });
    }

    @Test
    void theFailurePolicyCanBeOverriddenPerMigration() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.migrations.names.failure-policy=record-for-repair")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(dualWrite.migration("names").failurePolicy())
                            .isEqualTo(io.dualwrite.core.model.SecondaryFailurePolicy.RECORD_FOR_REPAIR);
                    assertThat(context.getBean("namesDualRepository", DualRepository.class)
                                    .migration()
                                    .failurePolicy())
                            .isEqualTo(io.dualwrite.core.model.SecondaryFailurePolicy.RECORD_FOR_REPAIR);
                });
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.migrations.names.failure-policy=retry-forever")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("dualwrite.migrations.names.failure-policy")
                        .hasStackTraceContaining("retry-forever"));
    }

    @Test
    void resiliencePropertyDefaultsAreTheCoreAndResilience4jDefaults() {
        DualWriteProperties properties = new DualWriteProperties();
        assertThat(properties.getTimeLimiter().isEnabled()).isTrue();
        assertThat(DualWriteOptionsMapper.timeLimiter(properties.getTimeLimiter())
                        .getTimeoutDuration())
                .isEqualTo(DualWrite.DEFAULT_SECONDARY_WRITE_TIMEOUT)
                .isEqualTo(io.github.resilience4j.timelimiter.TimeLimiterConfig.ofDefaults()
                        .getTimeoutDuration());
        assertThat(properties.getTimeLimiter().getThreads()).isEqualTo(DualWrite.DEFAULT_SECONDARY_WRITE_THREADS);
        var breaker = DualWriteOptionsMapper.circuitBreaker(properties.getCircuitBreaker());
        var defaults = io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults();
        assertThat(breaker.getFailureRateThreshold()).isEqualTo(defaults.getFailureRateThreshold());
        assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(20);
    }

    @Test
    void anInvalidTimeLimiterFailsStartupNamingTheProperty() {
        runner.withUserConfiguration(NamesMigration.class)
                .withPropertyValues("dualwrite.time-limiter.threads=0")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("Invalid dualwrite.time-limiter.threads=0"));
    }

    @Test
    void jpaStoresExistOnlyWithAnEntityManagerFactory() {
        runner.withUserConfiguration(NamesMigration.class)
                .withConfiguration(AutoConfigurations.of(DualWriteJpaAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(io.dualwrite.spring.boot.jpa.JpaStores.class));
        runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration.class,
                        DualWriteJpaAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(io.dualwrite.spring.boot.jpa.JpaStores.class));
        runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration.class,
                        DualWriteJpaAutoConfiguration.class))
                .withPropertyValues("dualwrite.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(io.dualwrite.spring.boot.jpa.JpaStores.class));
    }

    /** Application code as users write it: the migration's repository injected by its generic type. */
    static class NamesService {
        final DualRepository<Long, NamesMigration.Full, NamesMigration.Split> names;

        NamesService(DualRepository<Long, NamesMigration.Full, NamesMigration.Split> names) {
            this.names = names;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NamesMigration {
        record Full(long id, String name) {}

        record Split(long id, String first, String last) {}

        @Bean
        Migration<Long, Full, Split> names(JdbcTransactions transactions, DataSource dataSource) {
            return migration("names", "person", transactions, dataSource);
        }

        /** A migration {@code name} from {@code <tables>_full} to {@code <tables>_split}, creating both. */
        static Migration<Long, Full, Split> migration(
                String name, String tables, JdbcTransactions transactions, DataSource dataSource) {
            new JdbcTemplate(dataSource)
                    .execute("CREATE TABLE IF NOT EXISTS " + tables + "_full (id BIGINT PRIMARY KEY,"
                            + " name VARCHAR(100)); CREATE TABLE IF NOT EXISTS " + tables
                            + "_split (id BIGINT PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100))");
            JdbcStore<Long, Full> full = JdbcStore.builder(transactions, Long.class, Full.class)
                    .table(tables + "_full")
                    .key("id", Full::id)
                    .columns("name")
                    .mapper(rs -> new Full(rs.getLong("id"), rs.getString("name")))
                    .binder((v, row) -> row.set("name", v.name()))
                    .build();
            JdbcStore<Long, Split> split = JdbcStore.builder(transactions, Long.class, Split.class)
                    .table(tables + "_split")
                    .key("id", Split::id)
                    .columns("first_name", "last_name")
                    .mapper(rs -> new Split(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                    .binder((v, row) -> row.set("first_name", v.first()).set("last_name", v.last()))
                    .build();
            return Migration.builder(name, Long.class, full, split)
                    .toNew(f ->
                            new Split(f.id(), f.name().split(" ")[0], f.name().split(" ")[1]))
                    .build();
        }
    }
}
