package io.vhdflow.catalog;

import java.util.Optional;

/**
 * What was detected on the disk, for the image definition. Empty where detection could not tell
 * (the catalog never takes these from the operator).
 *
 * @param osType           {@code Linux} or {@code Windows}
 * @param osState          {@code Generalized} or {@code Specialized}
 * @param hyperVGeneration {@code V1} or {@code V2}
 * @param architecture     {@code x64} or {@code Arm64}
 */
public record ImageFacts(Optional<String> osType, String osState, Optional<String> hyperVGeneration,
                         Optional<String> architecture) {
}
