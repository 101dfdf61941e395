package dev.trestle.clusters;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.core.CborSerializable;
import dev.trestle.protocol.v1.Inventory;
import java.util.List;
import java.util.TreeSet;

/**
 * An edge's inventory as journaled: the namespaces (sorted, for placement) and the whole report as
 * proto3 JSON (services, gateways, locality), so the event schema follows edge.proto.
 */
public record InventorySnapshot(List<String> namespaces, String inventoryJson)
    implements CborSerializable {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().sortingMapKeys();

  public InventorySnapshot {
    namespaces = List.copyOf(new TreeSet<>(namespaces));
    inventoryJson = inventoryJson == null || inventoryJson.isEmpty() ? "{}" : inventoryJson;
  }

  public static InventorySnapshot empty() {
    return new InventorySnapshot(List.of(), "{}");
  }

  public static InventorySnapshot of(Inventory inventory) {
    try {
      return new InventorySnapshot(inventory.getNamespacesList(), PRINTER.print(inventory));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("inventory cannot be printed as JSON", e);
    }
  }

  @JsonIgnore
  public Inventory toProto() {
    var builder = Inventory.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(inventoryJson, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("journaled inventory is not valid JSON", e);
    }
    return builder.build();
  }
}
