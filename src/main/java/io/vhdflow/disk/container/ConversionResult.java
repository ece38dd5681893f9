package io.vhdflow.disk.container;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What {@link FixedVhdWriter} produced.
 *
 * @param output           the fixed VHD written
 * @param inputSize        virtual size of the input
 * @param virtualSize      virtual size of the output (input size rounded up to a whole MiB)
 * @param fileSize         output file length: virtual size + 512
 * @param dataBytesWritten bytes of non-zero sectors written; the rest of the file is holes
 * @param md5Hex           MD5 of the whole output file, hex (what {@code md5sum} prints), when asked for
 * @param md5Base64        the same MD5 in base64, as Azure's {@code Content-MD5} header wants it
 * @param sha256Hex        SHA-256 of the whole output file, hex (what {@code sha256sum} prints), when asked for
 * @param integrity        the {@link DataTreeDigest} of the output's virtual disk (always)
 * @param footerSha256     SHA-256 of the output's 512-byte footer, hex
 * @param uniqueId         the unique id written into the new footer
 * @param dataRanges       bounded summary of the output's data ranges
 * @param elapsed          wall time of the conversion
 */
public record ConversionResult(Path output, long inputSize, long virtualSize, long fileSize, long dataBytesWritten,
                               Optional<String> md5Hex, Optional<String> md5Base64, Optional<String> sha256Hex,
                               DataTreeDigest.Result integrity, String footerSha256, UUID uniqueId,
                               DataRangeSummary dataRanges, Duration elapsed) {
}
