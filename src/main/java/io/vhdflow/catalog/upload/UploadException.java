package io.vhdflow.catalog.upload;

/**
 * An upload that must not go on: the blob holds other content, or what Azure reports after the
 * upload does not match the package. Retrying does not help; the message says what will.
 */
public class UploadException extends Exception {
    private static final long serialVersionUID = 1L;

    public UploadException(String message) {
        super(Redaction.mask(message));
    }
}
