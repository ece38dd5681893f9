package io.vhdflow.disk;

/**
 * Something noticed in an image that does not stop it being read but that a report must show:
 * a filesystem not cleanly unmounted, a checksum mismatch, a GPT read from its backup header.
 *
 * @param code   stable machine-readable code, e.g. {@code "ext4.needs-recovery"}, {@code "gpt.primary-damaged"}
 * @param offset absolute byte offset of the structure concerned in its source, or -1
 * @param detail readable explanation for an operator
 */
public record Finding(String code, long offset, String detail) {
}
