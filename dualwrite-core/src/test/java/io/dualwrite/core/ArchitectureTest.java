package io.dualwrite.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.dualwrite.core");

    @Test
    void coreDoesNotDependOnSpring() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .because("dualwrite-core is plain Java; Spring integration lives in the starter")
                .check(core);
    }

    @Test
    void theEnginesNeverDependOnTheFacade() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.dualwrite.core.backfill..",
                        "io.dualwrite.core.verify..",
                        "io.dualwrite.core.shadow..",
                        "io.dualwrite.core.phase..",
                        "io.dualwrite.core.store..",
                        "io.dualwrite.core.internal..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(DualWrite.class.getName())
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(DualWriteBuilder.class.getName())
                .because("the engines serve one migration each and are wired by DualWrite, never the other way round;"
                        + " what they need of their migration's run time comes from its ManagedMigration")
                .check(core);
    }

    @Test
    void theRunTimeOfOneMigrationNeverReachesBackToTheFacade() {
        noClasses()
                .that()
                .haveSimpleNameNotStartingWith("DualWrite")
                .and()
                .resideInAPackage("io.dualwrite.core")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(DualWrite.class.getName())
                .because("DualWrite keeps only the name -> ManagedMigration map and the wiring; the transition"
                        + " protocol, the barrier, the background work and the autopilot take handles")
                .allowEmptyShould(true)
                .check(core);
    }

    @Test
    void theModelTheDefinitionAndTheEnginesNeverDependOnJdbc() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.dualwrite.core.model..",
                        "io.dualwrite.core.definition..",
                        "io.dualwrite.core.backfill..",
                        "io.dualwrite.core.verify..",
                        "io.dualwrite.core.shadow..",
                        "io.dualwrite.core.phase..",
                        "io.dualwrite.core.store..",
                        "io.dualwrite.core.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.dualwrite.core.jdbc..")
                .because("SQL lives in jdbc, which sits above the engines: an engine's fast path in SQL is an"
                        + " interface of the engine (ChunkCopier, RangeChecksums) that jdbc implements and the"
                        + " wiring hands over")
                .check(core);
    }

    @Test
    void thePackagesImportEachOtherOneWayOnly() {
        slices().matching("io.dualwrite.(**)")
                .should()
                .beFreeOfCycles()
                .because("every arrow points one way: model <- store <- definition <- the engines (phase, backfill,"
                        + " verify, shadow) <- jdbc <- the facade (io.dualwrite.core) <- metrics; internal is a leaf"
                        + " and internal.runtime sits just below the facade (docs/architecture.md)")
                .check(core);
    }
}
