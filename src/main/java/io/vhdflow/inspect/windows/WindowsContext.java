package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckContext;
import io.vhdflow.inspect.Policy;

/** What a Windows check reads: one installation (its volume and hives) and the policy. */
public record WindowsContext(WindowsSystem windows, Policy policy) implements CheckContext {
}
