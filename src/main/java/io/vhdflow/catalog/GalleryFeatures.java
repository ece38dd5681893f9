package io.vhdflow.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The image-definition features Azure Compute Gallery knows (anchors §4), with their allowed
 * values. A feature name outside this list is refused rather than passed on, because Azure
 * would only refuse it later, at publication, far from the sidecar that holds the typo.
 */
public final class GalleryFeatures {

    public static final String SECURITY_TYPE = "SecurityType";

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            SECURITY_TYPE, Set.of("Standard", "TrustedLaunchSupported", "TrustedLaunch", "ConfidentialVMSupported",
                    "ConfidentialVM", "TrustedLaunchAndConfidentialVmSupported"),
            "IsHibernateSupported", Set.of("True", "False"),
            "IsAcceleratedNetworkSupported", Set.of("True", "False"),
            "DiskControllerType", Set.of("SCSI", "SCSI, NVMe", "SCSI,NVMe", "NVMe"));

    private GalleryFeatures() {
    }

    /** Why {@code name = value} is not a feature Azure accepts, or empty. */
    public static Optional<String> problem(String name, String value) {
        Set<String> values = ALLOWED.get(name);
        if (values == null) {
            return Optional.of("feature '" + name + "' is not one Azure Compute Gallery knows; use one of "
                    + List.copyOf(new java.util.TreeSet<>(ALLOWED.keySet())));
        }
        if (value == null || !values.contains(value)) {
            return Optional.of("feature " + name + " = '" + value + "' is not allowed; use one of "
                    + List.copyOf(new java.util.TreeSet<>(values)));
        }
        return Optional.empty();
    }

    /**
     * Why these features contradict what was detected on the image, or empty. Trusted launch and
     * confidential VMs boot with UEFI, so only Hyper-V generation 2 images can claim them.
     */
    public static Optional<String> contradiction(Map<String, String> features, ImageFacts facts) {
        String security = features.get(SECURITY_TYPE);
        if (security != null && !security.equals("Standard") && facts.hyperVGeneration().isPresent()
                && !facts.hyperVGeneration().get().equals("V2")) {
            return Optional.of("feature SecurityType=" + security + " needs a Hyper-V generation 2 (UEFI) image, but "
                    + "this image is " + facts.hyperVGeneration().get());
        }
        return Optional.empty();
    }
}
