package io.dualwrite.core;

import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.shadow.ShadowReadOptions;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one migration that may differ from the others': how its backfill copies, how its reads are
 * shadowed, its evidence gates and its autopilot. A component left {@code null} takes the {@link DualWriteBuilder}'s
 * setting for every migration.
 *
 * <pre>{@code
 * DualWrite.builder(phases)
 *         .migration(names, MigrationSettings.defaults().withGates(GateOptions.defaults()).withAutopilot(pilot))
 *         .build();
 * }</pre>
 */
public record MigrationSettings(
        @Nullable BackfillOptions backfill,
        @Nullable ShadowReadOptions shadowReads,
        @Nullable GateOptions gates,
        @Nullable AutopilotOptions autopilot) {

    private static final MigrationSettings DEFAULTS = new MigrationSettings(null, null, null, null);

    /** Every setting as the builder sets it for all migrations. */
    public static MigrationSettings defaults() {
        return DEFAULTS;
    }

    public MigrationSettings withBackfill(BackfillOptions value) {
        return new MigrationSettings(Objects.requireNonNull(value, "backfill"), shadowReads, gates, autopilot);
    }

    public MigrationSettings withShadowReads(ShadowReadOptions value) {
        return new MigrationSettings(backfill, Objects.requireNonNull(value, "shadowReads"), gates, autopilot);
    }

    public MigrationSettings withGates(GateOptions value) {
        return new MigrationSettings(backfill, shadowReads, Objects.requireNonNull(value, "gates"), autopilot);
    }

    public MigrationSettings withAutopilot(AutopilotOptions value) {
        return new MigrationSettings(backfill, shadowReads, gates, Objects.requireNonNull(value, "autopilot"));
    }

    /** These settings with every component left null taken from {@code base}. */
    MigrationSettings over(MigrationSettings base) {
        return new MigrationSettings(
                backfill != null ? backfill : base.backfill,
                shadowReads != null ? shadowReads : base.shadowReads,
                gates != null ? gates : base.gates,
                autopilot != null ? autopilot : base.autopilot);
    }
}
