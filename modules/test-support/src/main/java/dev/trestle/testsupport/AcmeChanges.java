package dev.trestle.testsupport;

/** Changes to the acme example (examples/acme) that tests apply to make a new desired state. */
public final class AcmeChanges {
  private AcmeChanges() {}

  /** The cart ServiceRoute with its v1/v2 subsets weighted {@code v1}:{@code v2}, as YAML. */
  public static String cartWeights(int v1, int v2) {
    return String.format(
        """
        apiVersion: trestle.dev/v1
        kind: ServiceRoute
        metadata: {name: cart, organization: acme, tenant: payments, workspace: checkout, group: checkout-traffic}
        spec:
          service: checkout/cart
          ports: [{port: 8080, protocol: HTTP}]
          subsets:
            - {name: v1, labels: {version: v1}, weight: %d}
            - {name: v2, labels: {version: v2}, weight: %d}
        """,
        v1, v2);
  }
}
