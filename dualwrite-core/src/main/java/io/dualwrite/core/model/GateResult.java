package io.dualwrite.core.model;

import java.util.Objects;

/**
 * The verdict of one gate on a proposed move: whether it passed, and the evidence in words (current value and
 * threshold), so that an operator sees why a move was refused.
 */
public record GateResult(String name, boolean passed, String detail) {

    public GateResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }

    public static GateResult pass(String name, String detail) {
        return new GateResult(name, true, detail);
    }

    public static GateResult fail(String name, String detail) {
        return new GateResult(name, false, detail);
    }
}
