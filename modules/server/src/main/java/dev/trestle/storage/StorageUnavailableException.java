package dev.trestle.storage;

/**
 * The database of the storage profile cannot be used (unreachable, wrong credentials, missing
 * database). The message says which database and why, never the password.
 */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message) {
    super(message);
  }
}
