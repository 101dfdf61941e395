package dev.trestle.management;

import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.Resource;

/** A cluster: network name, locality and trust domain. */
final class ClusterRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    ClusterSpec spec = resource.getCluster();
    if (!spec.getNetwork().isEmpty()) {
      c.name("spec.network", spec.getNetwork());
    }
    c.locality("spec.locality.region", spec.getLocality().getRegion());
    c.locality("spec.locality.zone", spec.getLocality().getZone());
    if (!spec.getLocality().getZone().isEmpty() && spec.getLocality().getRegion().isEmpty()) {
      c.add("spec.locality.region", "is required when a zone is given");
    }
    if (!spec.getTrustDomain().isEmpty()
        && !Names.DNS_SUBDOMAIN.matcher(spec.getTrustDomain()).matches()) {
      c.add("spec.trustDomain", "'" + spec.getTrustDomain() + "' is not a DNS name");
    }
  }
}
