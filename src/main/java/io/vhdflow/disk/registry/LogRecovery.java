package io.vhdflow.disk.registry;

/**
 * What replaying a dirty hive's transaction logs did.
 *
 * @param entries       log entries applied (1 for an old-format log)
 * @param pages         dirty pages written into the in-memory view (4096-byte pages referenced by
 *                      new-format entries, 512-byte pages for the old format)
 * @param lastSequence  sequence number of the last entry applied
 * @param hiveBinsDataSize size of the hive bins data after replay (hives grow through logs)
 */
public record LogRecovery(int entries, int pages, long lastSequence, long hiveBinsDataSize) {
}
