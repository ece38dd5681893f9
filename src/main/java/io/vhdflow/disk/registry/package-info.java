/**
 * Read-only Windows registry hives (regf), for checking Windows images offline: the SOFTWARE
 * hive's {@code Microsoft\Windows\CurrentVersion\Setup\State\ImageState} and OS identity, the
 * SYSTEM hive's current control set, services and environment.
 *
 * <p>Entry point {@link io.vhdflow.disk.registry.Hive#open(io.vhdflow.disk.container.ByteSource,
 * java.util.List)}: {@code hive.key("A\\B").flatMap(k -> k.value("X"))}, typed accessors on
 * {@link io.vhdflow.disk.registry.RegistryValue}. Format per the Windows registry file format
 * specification (msuhanov/regf); one class per on-disk structure documents its fields
 * ({@link io.vhdflow.disk.registry.BaseBlock}, {@code HiveStorage} for hbins and cells,
 * {@code KeyNode} nk, {@link io.vhdflow.disk.registry.RegistryValue} vk and db,
 * {@code SubkeyList} li/lf/lh/ri, {@code TransactionLogs} for .LOG/.LOG1/.LOG2).
 *
 * <p>Memory does not grow with the hive: cells are read on demand through the source with a
 * bounded page cache, and log replay keeps references to log pages, not copies. Every offset,
 * count and size read from the file is checked; a damaged hive fails with a
 * {@link io.vhdflow.disk.DiskException} naming the structure and its absolute byte offset.
 */
package io.vhdflow.disk.registry;
