package io.dualwrite.drill;

import io.dualwrite.core.model.Side;

/**
 * How a {@link MigrationDrill} makes one side's database unreachable for a while and brings it back, across two
 * databases: the stores' data sources wrapped so that new connections fail while cut (as
 * {@code io.dualwrite.testsupport.SwitchableDataSource} in dualwrite's own tests does). dualwrite's own tables (phase,
 * instances, backfill) must stay reachable: give the drill their database with
 * {@link MigrationDrill#controlDatabase}.
 */
public interface Outages {

    /** Makes the side's database unreachable until {@link #restore()}. */
    void cut(Side side);

    /** Makes every side reachable again. */
    void restore();
}
