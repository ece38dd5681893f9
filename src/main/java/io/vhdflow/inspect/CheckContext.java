package io.vhdflow.inspect;

/** What every check's input offers: the policy it is judged by. */
public interface CheckContext {
    Policy policy();
}
