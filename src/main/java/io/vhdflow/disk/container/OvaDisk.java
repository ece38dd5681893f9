package io.vhdflow.disk.container;

import java.util.Optional;

/**
 * One virtual disk of an OVA, as its OVF descriptor and its tar member say.
 *
 * @param index      position in boot order (0 is the OS disk)
 * @param diskId     the OVF disk id
 * @param member     the tar member holding it
 * @param dataOffset where the member's data starts in the OVA file
 * @param size       the member's length
 * @param capacity   the virtual size the OVF gives, if it gives a number
 * @param format     the OVF format URI, if any
 * @param controller the controller the OVF attaches it to, if any
 * @param address    its address on that controller, if any
 */
public record OvaDisk(int index, String diskId, String member, long dataOffset, long size, Optional<Long> capacity,
                      Optional<String> format, Optional<String> controller, Optional<String> address) {

    /** Whether the VM boots from this disk (the first in boot order). */
    public boolean osDisk() {
        return index == 0;
    }
}
