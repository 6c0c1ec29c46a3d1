package io.dualwrite.core.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The phases of a migration, in forward order, with the read and write semantics of each.
 *
 * <table>
 *   <caption>Routing per phase</caption>
 *   <tr><th>phase</th><th>reads from</th><th>writes, in order</th></tr>
 *   <tr><td>{@link #OLD_ONLY}</td><td>old</td><td>old</td></tr>
 *   <tr><td>{@link #DUAL_WRITE}</td><td>old</td><td>old, then new</td></tr>
 *   <tr><td>{@link #BACKFILL}</td><td>old</td><td>old, then new</td></tr>
 *   <tr><td>{@link #READ_NEW}</td><td>new</td><td>new, then old</td></tr>
 *   <tr><td>{@link #DROP_OLD}</td><td>new</td><td>new</td></tr>
 * </table>
 *
 * <p>The side that is read is the source of truth and is always written first, so that a failure of the
 * second write never leaves the source of truth behind.
 */
public enum MigrationPhase {
    /** Read old, write old: the state before the migration starts. */
    OLD_ONLY(0, Side.OLD, List.of(Side.OLD)),
    /** Write old then new, read old: new rows and changes reach the new side from now on. */
    DUAL_WRITE(1, Side.OLD, List.of(Side.OLD, Side.NEW)),
    /** As {@link #DUAL_WRITE}, while the backfill copies the rows written before dual writes began. */
    BACKFILL(2, Side.OLD, List.of(Side.OLD, Side.NEW)),
    /** Write new then old, read new: new is the source of truth; old is kept current for rollback. */
    READ_NEW(3, Side.NEW, List.of(Side.NEW, Side.OLD)),
    /** Read and write new only: old is no longer written and may be dropped. */
    DROP_OLD(4, Side.NEW, List.of(Side.NEW));

    private final int order;
    private final Side sourceOfTruth;
    private final List<Side> writeOrder;

    MigrationPhase(int order, Side sourceOfTruth, List<Side> writeOrder) {
        this.order = order;
        this.sourceOfTruth = sourceOfTruth;
        this.writeOrder = writeOrder;
    }

    /** Position in the forward order, starting at 0 for {@link #OLD_ONLY}. */
    public int order() {
        return order;
    }

    /** The side that reads are served from, which is also the side written first. */
    public Side sourceOfTruth() {
        return sourceOfTruth;
    }

    /** The sides written in this phase, the source of truth first. */
    public List<Side> writeOrder() {
        return writeOrder;
    }

    /** Whether writes in this phase reach the given side. */
    public boolean writes(Side side) {
        return writeOrder.contains(side);
    }

    /** The next phase forward, empty for {@link #DROP_OLD}. */
    public Optional<MigrationPhase> next() {
        return order + 1 < values().length ? Optional.of(values()[order + 1]) : Optional.empty();
    }

    /** The previous phase, empty for {@link #OLD_ONLY}. */
    public Optional<MigrationPhase> previous() {
        return order > 0 ? Optional.of(values()[order - 1]) : Optional.empty();
    }

    /**
     * Parses a phase name case-insensitively, accepting {@code -} for {@code _} ({@code read-new}).
     *
     * @throws UnknownPhaseException if the text names no phase
     */
    public static MigrationPhase parse(String text) {
        String normalized = text == null ? "" : text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (MigrationPhase phase : values()) {
            if (phase.name().equals(normalized)) {
                return phase;
            }
        }
        throw new UnknownPhaseException(text);
    }
}
