package io.vhdflow.catalog.upload;

/**
 * Receives an upload's progress after each completed put, one call at a time. Throwing from it
 * stops the upload (puts in flight finish, nothing new starts), which a resumed run completes.
 */
@FunctionalInterface
public interface UploadListener {
    UploadListener NONE = p -> { };

    void progress(UploadProgress progress);
}
