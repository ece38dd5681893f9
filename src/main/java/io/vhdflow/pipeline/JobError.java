package io.vhdflow.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.List;
import java.util.Optional;

/**
 * Why a job failed, in the shape written to {@code failed/<job>/error.json} and shown by the API:
 * what failed, where (structure and byte offset when the disk is at fault), and what to do.
 *
 * @param code      stable machine-readable code, e.g. {@code image.invalid}, {@code metadata.invalid}, {@code disk.full}
 * @param kind      for a disk read that failed, its {@link ErrorKind} label ({@code corrupt}, {@code truncated},
 *                  {@code unsupported}, ...)
 * @param stage     the stage that failed, or {@code intake}
 * @param message   what failed, in one sentence
 * @param structure the on-disk structure at fault, when there is one
 * @param offset    its byte offset, when there is one
 * @param remedy    what the operator should do about it
 * @param details   further lines (one per problem, check or cause)
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record JobError(
        String code,
        Optional<String> kind,
        String stage,
        String message,
        Optional<String> structure,
        Optional<Long> offset,
        String remedy,
        List<String> details) {

    public JobError {
        details = List.copyOf(details);
    }

    public static JobError of(String code, String stage, String message, String remedy, List<String> details) {
        return new JobError(code, Optional.empty(), stage, message, Optional.empty(), Optional.empty(), remedy, details);
    }

    /**
     * The one mapping from a failed read of the image to a job error: the code says what the
     * operator faces ({@code image.invalid} for damaged or cut-short input, {@code image.unsupported},
     * {@code image.encrypted}, {@code image.limit-exceeded}), the kind, structure and offset say where.
     */
    public static JobError ofDiskFailure(DiskException e, String stage, String sourceName) {
        String code;
        String remedy;
        switch (e.kind()) {
            case UNSUPPORTED -> {
                code = "image.unsupported";
                remedy = "convert the image to a fixed VHD (for example: qemu-img convert -O vpc -o subformat=fixed,"
                        + "force_size=on IN OUT.vhd) or remove the unsupported feature, and drop it again";
            }
            case ENCRYPTED -> {
                code = "image.encrypted";
                remedy = "decrypt the volume in the source VM (Windows: manage-bde -off C:), or the image itself (an"
                        + " encrypted qcow2: qemu-img convert with its secret), capture it again and drop the new image";
            }
            case NOT_FOUND -> {
                code = "image.incomplete";
                remedy = "the image needs a file it names (a parent, backing file or extent) that did not come with it;"
                        + " make it one self-contained file (qemu-img convert -O qcow2 IN OUT.qcow2, or export the VM as"
                        + " OVA) and drop that";
            }
            case LIMIT_EXCEEDED -> {
                code = "image.limit-exceeded";
                remedy = "the image holds a structure larger than vhdflow accepts from untrusted input; check how it "
                        + "was exported, and report it if the image is genuine";
            }
            default -> {
                code = "image.invalid";
                remedy = "check how the image was exported (the file may be truncated or not a disk image); export it "
                        + "again, or convert it with 'vhdflow vhd convert', and drop it again";
            }
        }
        return new JobError(code, Optional.of(e.kind().label()), stage,
                sourceName + " is not a valid disk image: " + e.getMessage(), Optional.of(e.structure()),
                e.offset() >= 0 ? Optional.of(e.offset()) : Optional.empty(), remedy, List.of());
    }

    /** The readable form written to {@code error.txt}. */
    public String toText(String jobId, String sourceName) {
        StringBuilder b = new StringBuilder();
        b.append("Job ").append(jobId).append(" (").append(sourceName).append(") failed in stage ").append(stage)
                .append(".\n\n");
        b.append("What failed: ").append(message).append('\n');
        structure.ifPresent(s -> b.append("Where:       ").append(s)
                .append(offset.map(o -> " at byte " + o).orElse("")).append('\n'));
        b.append("Error code:  ").append(code).append(kind.map(k -> " (" + k + ")").orElse("")).append('\n');
        if (!details.isEmpty()) {
            b.append("\nDetails:\n");
            details.forEach(d -> b.append("  - ").append(d).append('\n'));
        }
        b.append("\nWhat to do:  ").append(remedy).append('\n');
        return b.toString();
    }
}
