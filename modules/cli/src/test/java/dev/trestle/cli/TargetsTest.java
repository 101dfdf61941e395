package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetsTest {
  private static ParentNames names(String org, String tenant, String ws, String group) {
    return new ParentNames(
        Optional.ofNullable(org),
        Optional.ofNullable(tenant),
        Optional.ofNullable(ws),
        Optional.ofNullable(group));
  }

  @Test
  void acceptsKindNamesPluralsAndShortNames() {
    assertThat(Targets.kind("ServiceRoute")).isEqualTo(Kind.SERVICE_ROUTE);
    assertThat(Targets.kind("serviceroutes")).isEqualTo(Kind.SERVICE_ROUTE);
    assertThat(Targets.kind("sr")).isEqualTo(Kind.SERVICE_ROUTE);
    assertThat(Targets.kind("orgs")).isEqualTo(Kind.ORGANIZATION);
  }

  @Test
  void rejectsUnknownKindListingTheKnownOnes() {
    assertThatThrownBy(() -> Targets.kind("gateway"))
        .hasMessageContaining("unknown kind 'gateway'")
        .hasMessageContaining("IngressGateway");
  }

  @Test
  void nameWithAllParentsIsExact() {
    Targets.Target t =
        Targets.single(
            Kind.SERVICE_ROUTE, "cart", names("acme", "payments", "checkout", "traffic"));
    assertThat(t)
        .isEqualTo(
            new Targets.Exact(
                Fqn.parse(
                    "organizations/acme/tenants/payments/workspaces/checkout/groups/traffic/serviceroutes/cart")));
  }

  @Test
  void clusterNeedsOnlyItsOrganization() {
    assertThat(Targets.single(Kind.CLUSTER, "eu-1", names("acme", "ignored", null, null)))
        .isEqualTo(new Targets.Exact(Fqn.parse("organizations/acme/clusters/eu-1")));
  }

  @Test
  void organizationNeedsNoParent() {
    assertThat(Targets.single(Kind.ORGANIZATION, "acme", ParentNames.NONE))
        .isEqualTo(new Targets.Exact(Fqn.parse("organizations/acme")));
  }

  @Test
  void nameWithMissingParentIsSearchedBelowTheDeepestKnownAncestor() {
    ParentNames n = names("acme", null, "checkout", null);
    Targets.Target t = Targets.single(Kind.GROUP, "traffic", n);
    assertThat(t)
        .isEqualTo(new Targets.Search(Kind.GROUP, "traffic", Fqn.parse("organizations/acme"), n));
    assertThat(Targets.missingParents(Kind.GROUP, n)).containsExactly(Kind.TENANT);
  }

  @Test
  void fqnArgumentMustBeOfTheGivenKind() {
    assertThat(Targets.single(Kind.TENANT, "organizations/acme/tenants/t1", ParentNames.NONE))
        .isEqualTo(new Targets.Exact(Fqn.parse("organizations/acme/tenants/t1")));
    assertThatThrownBy(
            () -> Targets.single(Kind.WORKSPACE, "organizations/acme/tenants/t1", ParentNames.NONE))
        .hasMessageContaining("is a tenant, not a workspace");
  }

  @Test
  void rejectsNamesThatAreNotDnsLabels() {
    assertThatThrownBy(
            () -> Targets.single(Kind.TENANT, "Payments", names("acme", null, null, null)))
        .hasMessageContaining("name 'Payments' is not a DNS-1123 label");
    assertThatThrownBy(() -> Targets.listing(Kind.TENANT, names("ACME", null, null, null)))
        .hasMessageContaining("'ACME'");
  }

  @Test
  void listingOfDirectChildrenIsNotRecursive() {
    Targets.Listing l = Targets.listing(Kind.TENANT, names("acme", null, null, null));
    assertThat(l.parent()).hasToString("organizations/acme");
    assertThat(l.recursive()).isFalse();
    assertThat(Targets.listing(Kind.ORGANIZATION, ParentNames.NONE).recursive()).isFalse();
  }

  @Test
  void listingBelowAFartherAncestorIsRecursiveAndFiltersByTheGivenNames() {
    Targets.Listing l = Targets.listing(Kind.SERVICE_ROUTE, names("acme", null, "checkout", null));
    assertThat(l.parent()).hasToString("organizations/acme");
    assertThat(l.recursive()).isTrue();
    assertThat(
            l.matches(
                Fqn.parse(
                    "organizations/acme/tenants/a/workspaces/checkout/groups/g/serviceroutes/x")))
        .isTrue();
    assertThat(
            l.matches(
                Fqn.parse(
                    "organizations/acme/tenants/a/workspaces/other/groups/g/serviceroutes/x")))
        .isFalse();
    assertThat(l.matches(Fqn.parse("organizations/acme/tenants/a/workspaces/checkout/groups/g")))
        .isFalse();
  }

  @Test
  void documentFqnNamesTheMissingMetadataField() {
    Resource tenant =
        Resource.newBuilder()
            .setKind("Tenant")
            .setMetadata(ResourceMetadata.newBuilder().setName("t1"))
            .build();
    assertThatThrownBy(() -> Targets.fqnOfDocument(tenant))
        .hasMessage("metadata.organization: is required for Tenant");
    Resource ok =
        tenant.toBuilder()
            .setMetadata(tenant.getMetadata().toBuilder().setOrganization("acme"))
            .build();
    assertThat(Targets.fqnOfDocument(ok)).hasToString("organizations/acme/tenants/t1");
  }

  @Test
  void articles() {
    assertThat(Targets.article(Kind.ORGANIZATION)).isEqualTo("an organization");
    assertThat(Targets.article(Kind.SERVICE_ROUTE)).isEqualTo("a service route");
  }
}
