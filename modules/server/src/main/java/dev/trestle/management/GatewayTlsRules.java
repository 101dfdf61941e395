package dev.trestle.management;

import dev.trestle.protocol.v1.GatewayTls;
import dev.trestle.protocol.v1.TlsMode;

/**
 * A gateway server's TLS settings, shared by IngressGateway servers and the servers an API
 * definition's {@code x-trestle-tls} asks for: a mode for HTTPS and TLS servers (none otherwise), a
 * credential unless the mode is PASSTHROUGH, and TLS 1.2 or 1.3 as the minimum version.
 */
final class GatewayTlsRules {
  private GatewayTlsRules() {}

  /** {@code f} is the field of the TLS settings; {@code present} whether they were given. */
  static void check(Checks c, String f, String protocol, boolean present, GatewayTls tls) {
    boolean needsTls = protocol.equals("HTTPS") || protocol.equals("TLS");
    if (needsTls && tls.getMode() == TlsMode.TLS_MODE_UNSPECIFIED) {
      c.add(f + ".mode", "is required for protocol " + protocol);
    }
    if (!needsTls && present && tls.getMode() != TlsMode.TLS_MODE_UNSPECIFIED) {
      c.add(f, "is only allowed with protocol HTTPS or TLS");
    }
    if (needsTls
        && tls.getMode() != TlsMode.PASSTHROUGH
        && tls.getMode() != TlsMode.TLS_MODE_UNSPECIFIED
        && tls.getCredentialName().isEmpty()) {
      c.add(f + ".credentialName", "is required unless mode is PASSTHROUGH");
    }
    String min = tls.getMinProtocolVersion();
    if (!min.isEmpty() && !min.equals("TLSV1_2") && !min.equals("TLSV1_3")) {
      c.add(f + ".minProtocolVersion", "must be TLSV1_2 or TLSV1_3");
    }
  }
}
