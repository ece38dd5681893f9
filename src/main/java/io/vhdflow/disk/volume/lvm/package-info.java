/**
 * LVM2 read support: PV labels, metadata areas (circular text buffers), a bounded parser for the
 * VG configuration text, and linear/striped logical volumes as sources. Thin, cache, RAID, mirror
 * and snapshot LVs are reported by name as unsupported, never read as plain data.
 */
package io.vhdflow.disk.volume.lvm;
