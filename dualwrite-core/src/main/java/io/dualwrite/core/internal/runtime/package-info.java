/**
 * Not API: the background workers {@code DualWrite} runs (the backfill's copy loop, continuous repair). Public only
 * for the wiring; they change without notice and are left out of the Javadoc.
 */
package io.dualwrite.core.internal.runtime;
