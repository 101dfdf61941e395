package dev.trestle.translator;

/** An organization using egress: modes, direct hosts, a gateway and who it lets through. */
final class EgressFixtures {
  static final String GATEWAY =
      "organizations/org/tenants/t/workspaces/pay/groups/exit/egressgateways/psp";

  static final String DOCS =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: pay, organization: org, tenant: t}
      spec:
        namespaceSelectors: ["*/pay", "*/pay-egress"]
        egress:
          outboundMode: REGISTRY_ONLY
          allowedHosts:
            - {host: api.psp.example, ports: [{number: 443, protocol: TLS}], egressGateway: %1$s}
            - {host: rates.example, ports: [{number: 80, protocol: HTTP}], egressGateway: %1$s}
            - {host: cdn.example, ports: [{number: 443, protocol: TLS}, {number: 80, protocol: HTTP}]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: exit, organization: org, tenant: t, workspace: pay}
      spec: {type: GATEWAY, namespaceSelectors: ["*/pay-egress"]}
      ---
      apiVersion: trestle.dev/v1
      kind: EgressGateway
      metadata: {name: psp, organization: org, tenant: t, workspace: pay, group: exit}
      spec:
        workloadNamespace: pay-egress
        workloadSelector: {istio: egressgateway}
        service: egress-gw
        allow:
          - {fromWorkspaces: [organizations/org/tenants/t/workspaces/pay], hosts: [api.psp.example, rates.example]}
          - {fromPrincipals: [cluster.local/ns/batch/sa/job], hosts: ["*.psp.example"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec:
        namespaceSelectors: ["*/shop"]
        egress:
          outboundMode: ALLOW_ANY
          allowedHosts:
            - {host: api.psp.example, ports: [{number: 443, protocol: TLS}], egressGateway: %1$s}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: batch, organization: org, tenant: t}
      spec:
        namespaceSelectors: ["*/batch"]
        egress:
          outboundMode: REGISTRY_ONLY
          allowedHosts:
            - {host: api.psp.example, ports: [{number: 443, protocol: TLS}], egressGateway: %1$s}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: vault, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/vault"], egress: {outboundMode: REGISTRY_ONLY}}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: vault-tools, organization: org, tenant: t, workspace: vault}
      spec: {type: TRAFFIC, egress: {outboundMode: ALLOW_ANY}}
      """
          .formatted(GATEWAY);

  static final String[] NAMESPACES = {
    "pay", "pay-egress", "shop", "batch", "vault", "loose", "lost"
  };

  private EgressFixtures() {}

  static DesiredObjects translate(String... more) {
    var docs = new String[more.length + 1];
    docs[0] = DOCS;
    System.arraycopy(more, 0, docs, 1, more.length);
    return IstioTranslator.translate(Fixtures.snapshot(docs), Fixtures.view("c1", NAMESPACES));
  }
}
