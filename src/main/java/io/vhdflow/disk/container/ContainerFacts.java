package io.vhdflow.disk.container;

import java.util.Map;

/**
 * What a container format's own structures say about an opened image, for {@code vhd info} and
 * reports: the VHDX headers and metadata, the qcow2 header, the VMDK descriptor, the OVA's disks.
 * (A VHD's footer and dynamic header are on {@link DiskImage} itself.)
 */
public interface ContainerFacts {

    /** The facts as ordered name/value pairs (values: strings, numbers, booleans, lists, maps). */
    Map<String, Object> describe();
}
