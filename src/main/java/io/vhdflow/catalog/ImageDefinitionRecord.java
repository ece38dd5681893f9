package io.vhdflow.catalog;

import java.util.Map;
import java.util.Optional;

/**
 * A registered image definition ({@code galleries/images} in Azure Compute Gallery).
 *
 * @param gallery             the gallery
 * @param name                the definition's name
 * @param publisher           identifier publisher; publisher/offer/sku is unique in the gallery
 * @param offer               identifier offer
 * @param sku                 identifier SKU
 * @param osType              {@code Linux} or {@code Windows}, as detected
 * @param osState             {@code Generalized} or {@code Specialized}
 * @param hyperVGeneration    {@code V1} or {@code V2}, as detected
 * @param architecture        {@code x64} or {@code Arm64}, as detected
 * @param features            feature name to value ({@code SecurityType}, ...)
 * @param recommended         recommended vCPUs and memory, if any bound was given
 * @param tags                resource tags
 * @param createdAt           ISO-8601 instant of the first registration
 */
public record ImageDefinitionRecord(
        String gallery,
        String name,
        String publisher,
        String offer,
        String sku,
        Optional<String> osType,
        String osState,
        Optional<String> hyperVGeneration,
        Optional<String> architecture,
        Optional<String> description,
        Optional<String> eula,
        Optional<String> privacyStatementUri,
        Optional<String> releaseNoteUri,
        Optional<String> endOfLife,
        Map<String, String> features,
        Optional<ImageMetadata.Recommended> recommended,
        Map<String, String> tags,
        String createdAt) {
}
