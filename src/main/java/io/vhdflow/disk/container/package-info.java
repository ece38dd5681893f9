/**
 * The container layer: disk image files in, a flat virtual disk ({@link io.vhdflow.disk.container.ByteSource}) out.
 *
 * <p>{@link io.vhdflow.disk.container.DiskImages#open(java.nio.file.Path)} recognises the format by magic
 * (VHD footer cookie, VHDX {@code vhdxfile}, qcow2 {@code QFI\xfb}, VMDK {@code KDMV} or a text descriptor,
 * OVA by its tar header, VDI recognised only; raw by extension), validates every container structure, and
 * returns a {@link io.vhdflow.disk.container.DiskImage} whose
 * {@link io.vhdflow.disk.container.DiskImage#virtualDisk()} is the single read path of every later layer
 * (partitions, LVM, filesystems) and whose {@link io.vhdflow.disk.container.DiskImage#allocatedRanges()} lets
 * converters and scanners skip what is known to be zero. On-disk structures, each with its fields documented by
 * offset and size in one place: {@link io.vhdflow.disk.container.VhdFooter},
 * {@link io.vhdflow.disk.container.VhdDynamicHeader}, {@link io.vhdflow.disk.container.ParentLocator},
 * {@link io.vhdflow.disk.container.BlockAllocationTable} (VHD); {@link io.vhdflow.disk.container.VhdxHeader},
 * {@link io.vhdflow.disk.container.VhdxRegionTable}, {@link io.vhdflow.disk.container.VhdxMetadata},
 * {@code VhdxBat}, {@code VhdxLog} (VHDX); {@link io.vhdflow.disk.container.Qcow2Header},
 * {@code Qcow2DiskSource} (qcow2 L1/L2 entries); {@link io.vhdflow.disk.container.VmdkSparseHeader},
 * {@link io.vhdflow.disk.container.VmdkDescriptor} (VMDK); {@code OvaArchive}, {@code OvfDescriptor} (OVA).
 *
 * <p>Every reader is read-only (a VHDX log is replayed into memory, never into the file), bounded (tables held
 * in memory are capped, caches are byte-bounded, walks over tables are limited by the file's size) and fails with
 * a typed {@link io.vhdflow.disk.DiskException} naming the structure and byte. A parent (differencing VHD or
 * VHDX, qcow2 backing file) or VMDK extent is only looked for beside the image that names it.
 *
 * <p>Sizes: a VHD's size is always its footer's <em>current size</em>, as Azure, Hyper-V and modern qemu
 * read it; the CHS geometry is kept only for the spec and reported when it differs for the creators
 * ({@code vpc }, {@code qemu}) that qemu sizes by geometry.
 *
 * <p>The Azure checks of the container (G1–G8) read these facts from {@code io.vhdflow.inspect.disk};
 * {@link io.vhdflow.disk.container.DataRangeScanner} computes the zero-range map;
 * {@link io.vhdflow.disk.container.FixedVhdWriter} writes an Azure-ready fixed VHD in one pass with its
 * MD5 and SHA-256.
 *
 * <p>Creator application of the VHDs we write: {@code vhfl} ("VHD flow"), creator version 1.0, host OS
 * {@code Wi2k}. qemu releases before 2025 size a VHD whose creator they do not list by its CHS geometry
 * (smaller than the current size unless the geometry is the maximum 65535/16/255); for users who check
 * our output with such a qemu the writer can put Hyper-V's {@code "win "} instead
 * ({@code vhdflow vhd convert --creator win}).
 */
package io.vhdflow.disk.container;
