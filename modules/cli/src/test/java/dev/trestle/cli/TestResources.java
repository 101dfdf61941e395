package dev.trestle.cli;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.OrganizationSpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import dev.trestle.protocol.v1.TenantSpec;

/** Resources as a server would return them (FQN, version and times filled in). */
final class TestResources {
  private TestResources() {}

  static Resource organization(String name, long version) {
    return Resource.newBuilder()
        .setApiVersion("trestle.dev/v1")
        .setKind("Organization")
        .setMetadata(
            served(ResourceMetadata.newBuilder().setName(name), "organizations/" + name, version))
        .setOrganization(OrganizationSpec.newBuilder().setDisplayName(name.toUpperCase()))
        .build();
  }

  static Resource tenant(String org, String name, long version) {
    return Resource.newBuilder()
        .setApiVersion("trestle.dev/v1")
        .setKind("Tenant")
        .setMetadata(
            served(
                ResourceMetadata.newBuilder()
                    .setName(name)
                    .setOrganization(org)
                    .putLabels("env", "prod"),
                "organizations/" + org + "/tenants/" + name,
                version))
        .setTenant(TenantSpec.newBuilder().setDisplayName("Tenant " + name))
        .build();
  }

  private static ResourceMetadata.Builder served(
      ResourceMetadata.Builder meta, String fqn, long version) {
    long created = CliRun.NOW.getEpochSecond() - 3600;
    return meta.setFqn(fqn)
        .setVersion(version)
        .setCreateTime(Timestamp.newBuilder().setSeconds(created))
        .setUpdateTime(Timestamp.newBuilder().setSeconds(created + 1800))
        .setCreatedBy("alice")
        .setUpdatedBy("alice");
  }
}
