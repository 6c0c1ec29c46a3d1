package io.dualwrite.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The actions registered to run once one transaction committed. Every action runs even when an earlier one throws
 * (each is a different key's copy to the other database: one failing must not leave the others undone); the first
 * failure is thrown after all ran, with the later ones attached as suppressed.
 */
public final class AfterCommitActions {

    private final List<Runnable> actions = new ArrayList<>();

    /** Adds an action to run after the commit, in the order added. */
    public void add(Runnable action) {
        actions.add(action);
    }

    /** Runs every action once; throws the first failure after the others ran. */
    public void runAll() {
        RuntimeException failure = null;
        for (Runnable action : List.copyOf(actions)) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        actions.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
