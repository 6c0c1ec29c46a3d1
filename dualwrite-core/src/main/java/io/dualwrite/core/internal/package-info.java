/**
 * Not API: utilities and wiring shared by dualwrite's own packages (rate limits, caches, the phase cache, writes in
 * flight, after-commit actions). Public only so that dualwrite's packages and modules can use them; they change
 * without notice and are left out of the Javadoc. Depend on {@code io.dualwrite.core} and its SPI packages instead.
 */
package io.dualwrite.core.internal;
