package io.dualwrite.core.metrics;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.Migration;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Binds the state of every migration of a {@link DualWrite} to Micrometer. Gauges read the durable state at most
 * once per second per migration, whatever the scrape rate.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code dualwrite.migration.phase}</td><td>gauge</td><td>migration</td>
 *       <td>the phase this instance applies, as its order: 0 OLD_ONLY ... 4 DROP_OLD</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.copied}</td><td>gauge</td><td>migration</td>
 *       <td>rows the backfill copied</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.estimated}</td><td>gauge</td><td>migration</td>
 *       <td>rows the backfill expects to copy</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.per.second}</td><td>gauge</td><td>migration</td>
 *       <td>the recent copy rate</td></tr>
 *   <tr><td>{@code dualwrite.backfill.progress}</td><td>gauge</td><td>migration</td>
 *       <td>fraction copied, 0 to 1</td></tr>
 *   <tr><td>{@code dualwrite.backfill.state}</td><td>gauge</td><td>migration, state</td>
 *       <td>1 for the backfill's current state, 0 for the others</td></tr>
 * </table>
 */
public final class DualWriteMetrics implements MeterBinder {

    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final DualWrite dualWrite;
    private final Clock clock;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();

    public DualWriteMetrics(DualWrite dualWrite) {
        this(dualWrite, Clock.systemUTC());
    }

    public DualWriteMetrics(DualWrite dualWrite, Clock clock) {
        this.dualWrite = dualWrite;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Migration<?, ?, ?> migration : dualWrite.migrations()) {
            String name = migration.name();
            Tags tags = Tags.of("migration", name);
            Gauge.builder("dualwrite.migration.phase", dualWrite, d -> d.phase(name)
                            .order())
                    .description("The phase this instance applies: 0 OLD_ONLY, 1 DUAL_WRITE, 2 BACKFILL, 3 READ_NEW,"
                            + " 4 DROP_OLD")
                    .tags(tags)
                    .register(registry);
            if (!dualWrite.hasBackfill(name)) {
                continue;
            }
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.copied",
                    "Rows the backfill copied",
                    "rows",
                    name,
                    p -> p.rowsCopied());
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.estimated",
                    "Rows the backfill expects to copy",
                    "rows",
                    name,
                    p -> p.rowsEstimated());
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.per.second",
                    "The backfill's recent copy rate",
                    "rows",
                    name,
                    BackfillProgress::rowsPerSecond);
            backfillGauge(
                    registry,
                    "dualwrite.backfill.progress",
                    "Fraction of the rows copied, 0 to 1",
                    null,
                    name,
                    BackfillProgress::fractionDone);
            for (BackfillState state : BackfillState.values()) {
                Gauge.builder(
                                "dualwrite.backfill.state",
                                this,
                                m -> m.progress(name).state() == state ? 1 : 0)
                        .description("1 for the backfill's current state")
                        .tags(tags.and("state", state.name()))
                        .register(registry);
            }
        }
    }

    private void backfillGauge(
            MeterRegistry registry,
            String meter,
            String description,
            String unit,
            String name,
            ToDoubleFunction<BackfillProgress> value) {
        Gauge.builder(meter, this, m -> value.applyAsDouble(m.progress(name)))
                .description(description)
                .baseUnit(unit)
                .tags("migration", name)
                .register(registry);
    }

    private BackfillProgress progress(String name) {
        Instant now = clock.instant();
        Sample sample = samples.get(name);
        if (sample == null || now.isAfter(sample.at().plus(MAX_AGE))) {
            sample = new Sample(dualWrite.backfill(name).progress(), now);
            samples.put(name, sample);
        }
        return sample.progress();
    }

    private record Sample(BackfillProgress progress, Instant at) {}
}
