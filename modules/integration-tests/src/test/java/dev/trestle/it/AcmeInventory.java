package dev.trestle.it;

/** Inventory files of the acme example's clusters, as their edge agents report them. */
final class AcmeInventory {
  private AcmeInventory() {}

  /** An inventory with the acme namespaces the two eu-west-1 clusters run. */
  static String of(String cluster) {
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
