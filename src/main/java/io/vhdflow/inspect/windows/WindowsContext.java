package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckContext;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;

/**
 * What a Windows check reads: one installation (its volume and hives), the policy (its
 * {@link Policy#rules()}), and how much the checks that scan file contents may read.
 */
public record WindowsContext(WindowsSystem windows, Policy policy, ScanBudget scanBudget) implements CheckContext {

    public WindowsContext {
        policy = policy.rules();
    }

    /** A context with the default scan budget. */
    public WindowsContext(WindowsSystem windows, Policy policy) {
        this(windows, policy, ScanBudget.DEFAULT);
    }
}
