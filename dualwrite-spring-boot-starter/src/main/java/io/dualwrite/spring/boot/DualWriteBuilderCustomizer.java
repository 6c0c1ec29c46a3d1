package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.DualWriteBuilder;

/** Customizes the auto-configured {@link DualWrite} before it is built, for example to add guards or a clock. */
@FunctionalInterface
public interface DualWriteBuilderCustomizer {

    void customize(DualWriteBuilder builder);
}
