package dev.trestle.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The examples/acme configuration as the edge tests use it: its cart route and cluster inventories.
 */
final class AcmeExample {
  static final Path DIR = TrestleRuntime.examples("acme");
  static final String CART =
      "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/cart";

  /** Relative path of the cart route's VirtualService in an edge's out dir. */
  static final String CART_VIRTUAL_SERVICE =
      "checkout/virtualservice-trestle-cart-[0-9a-f]+\\.yaml";

  private AcmeExample() {}

  /** The cart ServiceRoute of 50-traffic.yaml, as a JSON document to change and apply. */
  static ObjectNode cart() {
    try {
      for (JsonNode doc : Documents.yaml(Files.readString(DIR.resolve("50-traffic.yaml")))) {
        if (doc.path("kind").asText().equals("ServiceRoute")
            && doc.path("metadata").path("name").asText().equals("cart")) {
          return Documents.copy(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no ServiceRoute cart in examples/acme/50-traffic.yaml");
  }

  /** An inventory with the acme namespaces for the eu-west-1a or eu-west-1b cluster. */
  static String inventory(String cluster) {
    String zone = cluster.substring(cluster.length() - 2); // 1a, 1b
    return """
    network: eu-net
    locality: {region: eu-west-1, zone: eu-west-%s}
    namespaces: [checkout, ledger, payments-ingress, storefront, storefront-ingress]
    services:
      - namespace: checkout
        name: cart
        ports: [{name: http, port: 8080, protocol: HTTP}]
        labels: {app: cart}
        endpoints: 2
      - namespace: ledger
        name: ledger-api
        ports: [{name: http, port: 8080, protocol: HTTP}]
        labels: {app: ledger-api}
        endpoints: 2
      - namespace: storefront
        name: web
        ports: [{name: http, port: 8080, protocol: HTTP}]
        labels: {app: web}
        endpoints: 3
    """
        .formatted(zone);
  }
}
