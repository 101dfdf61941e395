package dev.trestle.edge;

import dev.trestle.protocol.v1.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory from a YAML file ({@link InventoryFile}), read again whenever its content changes
 * (checked on every read, i.e. every heartbeat). A file that turns invalid, suspect ({@link
 * InventoryGuard}: empty, or no service left) or disappears while the agent runs is reported once
 * per change and the last good inventory is kept; reading a good one again clears the report. At
 * start the file must be valid and not suspect ({@link #open}).
 */
public final class FileInventory implements InventorySource {
  private static final Logger LOG = LoggerFactory.getLogger(FileInventory.class);

  private final Path file;
  private final boolean allowEmpty;
  private final InventoryListener listener;
  private String acceptedText;
  private String lastText;
  private String lastError;
  private InventoryFile.Parsed parsed;

  private FileInventory(
      Path file,
      String text,
      InventoryFile.Parsed parsed,
      boolean allowEmpty,
      InventoryListener listener) {
    this.file = file;
    this.acceptedText = text;
    this.lastText = text;
    this.parsed = parsed;
    this.allowEmpty = allowEmpty;
    this.listener = listener;
  }

  /**
   * Reads and validates the file now; a missing, invalid or suspect file is an error for the
   * caller.
   *
   * @param allowEmpty {@code --allow-empty-inventory}: an empty inventory is not suspect
   */
  public static FileInventory open(Path file, boolean allowEmpty, InventoryListener listener)
      throws InventoryException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InventoryException(List.of(file + ": cannot read: " + describe(e)));
    }
    InventoryFile.Parsed parsed = InventoryFile.parseWithAddresses(file.toString(), text);
    String suspect = suspect(null, parsed, text, allowEmpty);
    if (suspect != null) {
      throw new InventoryException(List.of(file + ": " + suspect));
    }
    return new FileInventory(file, text, parsed, allowEmpty, listener);
  }

  @Override
  public synchronized Inventory current() {
    return read().inventory();
  }

  @Override
  public synchronized InventoryFile.Parsed withAddresses() {
    return read();
  }

  private InventoryFile.Parsed read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      report(
          file + ": cannot read: " + describe(e) + "; still reporting the last good inventory",
          false);
      return parsed;
    }
    if (text.equals(acceptedText)) {
      lastText = text;
      recovered();
      return parsed;
    }
    if (text.equals(lastText)) {
      return parsed; // refused already
    }
    lastText = text;
    try {
      InventoryFile.Parsed next = InventoryFile.parseWithAddresses(file.toString(), text);
      String suspect = suspect(parsed.inventory(), next, text, allowEmpty);
      if (suspect != null) {
        report(file + ": suspect inventory, still reporting the last good one: " + suspect, true);
        return parsed;
      }
      parsed = next;
      acceptedText = text;
      recovered();
      Inventory inventory = parsed.inventory();
      LOG.info(
          "inventory file {} changed: {} namespace(s), {} service(s), {} gateway(s)",
          file,
          inventory.getNamespacesCount(),
          inventory.getServicesCount(),
          inventory.getGatewaysCount());
    } catch (InventoryException e) {
      report("invalid inventory file, still reporting the last good one: " + e.getMessage(), false);
    }
    return parsed;
  }

  /** Why {@code next} (read from {@code text}) must not replace {@code last}, or null. */
  private static String suspect(
      Inventory last, InventoryFile.Parsed next, String text, boolean allowEmpty) {
    String why = InventoryGuard.suspect(last, next.inventory(), allowEmpty || next.allowEmpty());
    if (why == null) {
      return null;
    }
    return (text.isBlank() ? "the file is empty" : why)
        + "; if the cluster really has no services, say so with 'allowEmpty: true' in the file"
        + " (or --allow-empty-inventory)";
  }

  private void report(String error, boolean suspect) {
    if (!error.equals(lastError)) {
      lastError = error;
      LOG.error(error);
      listener.rejected(error, suspect);
    }
  }

  private void recovered() {
    if (lastError != null) {
      lastError = null;
      LOG.info("inventory file {} is good again", file);
      listener.accepted();
    }
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
  }

  @Override
  public String describe() {
    return "file " + file;
  }
}
