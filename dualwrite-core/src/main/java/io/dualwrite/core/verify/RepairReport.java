package io.dualwrite.core.verify;

/**
 * What one repair pass did.
 *
 * @param examined ledger entries looked at
 * @param repaired keys copied from the source of truth and found equal afterwards; their entries are removed
 * @param stillDivergent keys that still differed after the copy (written again meanwhile); their entries stay
 * @param failed keys that could not be repaired; their entries stay
 */
public record RepairReport(int examined, int repaired, int stillDivergent, int failed) {}
