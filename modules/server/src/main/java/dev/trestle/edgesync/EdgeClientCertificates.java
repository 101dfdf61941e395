package dev.trestle.edgesync;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.SslSessionInfo;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;

/**
 * Hands the edge port's RPCs the names in the agent's client certificate (mutual TLS), so that a
 * certificate issued for one cluster cannot be used with another cluster's join token (the rule is
 * ClusterIdentity.certificateRefusal). The names travel in a request header that only central sets:
 * one a client sends is always removed first.
 */
public final class EdgeClientCertificates {
  /** The verified certificate's names, comma-separated; absent without mutual TLS. */
  public static final String NAMES_HEADER = "x-trestle-verified-client-names";

  // Names a cluster can have (FQN or short name); anything else cannot name one and is left out.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/-]{1,253}");
  private static final int DNS_NAME = 2;

  private EdgeClientCertificates() {}

  /**
   * The edge port's handler, with the header removed from every request and, when {@code
   * mutualTls}, set to the names of the certificate the TLS handshake verified (pekko-http's
   * ssl-session attribute, see EdgePortSettings).
   */
  public static Function<HttpRequest, CompletionStage<HttpResponse>> attached(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, boolean mutualTls) {
    return request -> {
      HttpRequest clean = request.removeHeader(NAMES_HEADER);
      if (mutualTls) {
        String names =
            request
                .getAttribute(AttributeKeys.sslSession)
                .map(SslSessionInfo::getSession)
                .map(EdgeClientCertificates::names)
                .orElse("");
        clean = clean.addHeader(RawHeader.create(NAMES_HEADER, names));
      }
      return handler.apply(clean);
    };
  }

  /** The peer certificate's subject CN and DNS alternative names that could name a cluster. */
  static String names(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return "";
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return "";
    }
    Set<String> names = new LinkedHashSet<>();
    commonNames(cert.getSubjectX500Principal()).forEach(names::add);
    try {
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alt : alternatives) {
          if (alt.size() == 2 && Integer.valueOf(DNS_NAME).equals(alt.get(0))) {
            names.add(String.valueOf(alt.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no usable alternative names: the subject's CN alone
    }
    return String.join(",", names.stream().filter(n -> NAME.matcher(n).matches()).toList());
  }

  private static List<String> commonNames(X500Principal subject) {
    try {
      return new LdapName(subject.getName(X500Principal.RFC2253))
          .getRdns().stream()
              .filter(r -> r.getType().equalsIgnoreCase("CN"))
              .map(Rdn::getValue)
              .map(String::valueOf)
              .toList();
    } catch (InvalidNameException e) {
      return List.of();
    }
  }
}
