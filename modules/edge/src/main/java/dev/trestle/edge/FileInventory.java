package dev.trestle.edge;

import dev.trestle.protocol.v1.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory from a YAML file ({@link InventoryFile}), read again whenever its content changes
 * (checked on every read, i.e. every heartbeat). A file that turns invalid or disappears while the
 * agent runs is logged once per change and the last good inventory is kept; at start it must be
 * valid ({@link #open}).
 */
public final class FileInventory implements InventorySource {
  private static final Logger LOG = LoggerFactory.getLogger(FileInventory.class);

  private final Path file;
  private final Consumer<String> onError;
  private String lastText;
  private String lastError;
  private InventoryFile.Parsed parsed;

  private FileInventory(
      Path file, String text, InventoryFile.Parsed parsed, Consumer<String> onError) {
    this.file = file;
    this.lastText = text;
    this.parsed = parsed;
    this.onError = onError;
  }

  /** Reads and validates the file now; a missing or invalid file is an error for the caller. */
  public static FileInventory open(Path file, Consumer<String> onError) throws InventoryException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InventoryException(java.util.List.of(file + ": cannot read: " + describe(e)));
    }
    return new FileInventory(
        file, text, InventoryFile.parseWithAddresses(file.toString(), text), onError);
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
      report(file + ": cannot read: " + describe(e) + "; still reporting the last good inventory");
      return parsed;
    }
    if (text.equals(lastText)) {
      return parsed;
    }
    lastText = text;
    try {
      parsed = InventoryFile.parseWithAddresses(file.toString(), text);
      Inventory inventory = parsed.inventory();
      lastError = null;
      LOG.info(
          "inventory file {} changed: {} namespace(s), {} service(s), {} gateway(s)",
          file,
          inventory.getNamespacesCount(),
          inventory.getServicesCount(),
          inventory.getGatewaysCount());
    } catch (InventoryException e) {
      report("invalid inventory file, still reporting the last good one: " + e.getMessage());
    }
    return parsed;
  }

  private void report(String error) {
    if (!error.equals(lastError)) {
      lastError = error;
      LOG.error(error);
      onError.accept(error);
    }
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : String.valueOf(e.getMessage());
  }

  @Override
  public String describe() {
    return "file " + file;
  }
}
