package dev.trestle.translator;

import dev.trestle.protocol.v1.HttpMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Trestle HTTP matches as Istio {@code HTTPMatchRequest}s, and the AND of two matches. */
final class HttpMatches {
  private HttpMatches() {}

  /** Header names are lower-cased (HTTP/2 and Envoy use lower case); keys are sorted. */
  static HTTPMatchRequest toIstio(HttpMatch m) {
    var out = new HTTPMatchRequest();
    if (!m.getName().isEmpty()) {
      out.setName(m.getName());
    }
    if (m.hasUri()) {
      out.setUri(toIstio(m.getUri()));
    }
    if (m.getHeadersCount() > 0) {
      Map<String, StringMatch> headers = new TreeMap<>();
      m.getHeadersMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), toIstio(v)));
      out.setHeaders(headers);
    }
    if (!m.getMethod().isEmpty()) {
      out.setMethod(new StringMatch(new StringMatchExact(m.getMethod())));
    }
    if (m.getPort() != 0) {
      out.setPort((long) m.getPort());
    }
    return out;
  }

  static List<HTTPMatchRequest> toIstio(List<HttpMatch> matches) {
    return matches.stream().map(HttpMatches::toIstio).toList();
  }

  static StringMatch toIstio(dev.trestle.protocol.v1.StringMatch m) {
    return switch (m.getMatchCase()) {
      case EXACT -> new StringMatch(new StringMatchExact(m.getExact()));
      case PREFIX -> new StringMatch(new StringMatchPrefix(m.getPrefix()));
      case REGEX -> new StringMatch(new StringMatchRegex(m.getRegex()));
      case MATCH_NOT_SET -> new StringMatch(new StringMatchPrefix(""));
    };
  }

  /** Outcome of ANDing two matches. */
  enum Outcome {
    /** The AND is the match carried alongside. */
    MATCH,
    /** No request can satisfy both (e.g. GET and POST): the combination is simply left out. */
    EMPTY,
    /** Both constrain one field in a way one Istio match cannot express (two regexes). */
    UNREPRESENTABLE
  }

  record Intersection(Outcome outcome, HttpMatch match) {}

  /**
   * The match satisfied exactly by requests satisfying both {@code a} and {@code b}. Fields set on
   * one side only are copied; on both sides, equal values are kept, a prefix and a longer prefix
   * (or an exact value) it covers give the narrower one, and disjoint values give {@link
   * Outcome#EMPTY}. Regexes combine only when equal.
   */
  static Intersection and(HttpMatch a, HttpMatch b) {
    HttpMatch.Builder out = HttpMatch.newBuilder();
    String name =
        a.getName().isEmpty()
            ? b.getName()
            : b.getName().isEmpty() ? a.getName() : a.getName() + "-" + b.getName();
    out.setName(name);
    if (a.hasUri() && b.hasUri()) {
      var uri = and(a.getUri(), b.getUri());
      if (uri.outcome() != Outcome.MATCH) {
        return new Intersection(uri.outcome(), null);
      }
      out.setUri(uri.match());
    } else if (a.hasUri() || b.hasUri()) {
      out.setUri(a.hasUri() ? a.getUri() : b.getUri());
    }
    var headers = new TreeMap<String, dev.trestle.protocol.v1.StringMatch>();
    a.getHeadersMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    for (var e : new TreeMap<>(b.getHeadersMap()).entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      var existing = headers.get(key);
      if (existing == null) {
        headers.put(key, e.getValue());
        continue;
      }
      var h = and(existing, e.getValue());
      if (h.outcome() != Outcome.MATCH) {
        return new Intersection(h.outcome(), null);
      }
      headers.put(key, h.match());
    }
    out.putAllHeaders(headers);
    if (!a.getMethod().isEmpty()
        && !b.getMethod().isEmpty()
        && !a.getMethod().equals(b.getMethod())) {
      return new Intersection(Outcome.EMPTY, null);
    }
    out.setMethod(a.getMethod().isEmpty() ? b.getMethod() : a.getMethod());
    if (a.getPort() != 0 && b.getPort() != 0 && a.getPort() != b.getPort()) {
      return new Intersection(Outcome.EMPTY, null);
    }
    out.setPort(a.getPort() != 0 ? a.getPort() : b.getPort());
    return new Intersection(Outcome.MATCH, out.build());
  }

  /** Every pairwise AND of two OR-lists; an empty list means "any request". */
  static List<Intersection> and(List<HttpMatch> outer, List<HttpMatch> inner) {
    var out = new ArrayList<Intersection>();
    if (outer.isEmpty()) {
      inner.forEach(m -> out.add(new Intersection(Outcome.MATCH, m)));
      return out;
    }
    if (inner.isEmpty()) {
      outer.forEach(m -> out.add(new Intersection(Outcome.MATCH, m)));
      return out;
    }
    for (HttpMatch o : outer) {
      for (HttpMatch i : inner) {
        out.add(and(o, i));
      }
    }
    return out;
  }

  record StringIntersection(Outcome outcome, dev.trestle.protocol.v1.StringMatch match) {}

  static StringIntersection and(
      dev.trestle.protocol.v1.StringMatch a, dev.trestle.protocol.v1.StringMatch b) {
    if (a.equals(b)) {
      return new StringIntersection(Outcome.MATCH, a);
    }
    var ka = a.getMatchCase();
    var kb = b.getMatchCase();
    if (ka == dev.trestle.protocol.v1.StringMatch.MatchCase.REGEX
        || kb == dev.trestle.protocol.v1.StringMatch.MatchCase.REGEX) {
      return new StringIntersection(Outcome.UNREPRESENTABLE, null);
    }
    String va =
        ka == dev.trestle.protocol.v1.StringMatch.MatchCase.EXACT ? a.getExact() : a.getPrefix();
    String vb =
        kb == dev.trestle.protocol.v1.StringMatch.MatchCase.EXACT ? b.getExact() : b.getPrefix();
    boolean exactA = ka == dev.trestle.protocol.v1.StringMatch.MatchCase.EXACT;
    boolean exactB = kb == dev.trestle.protocol.v1.StringMatch.MatchCase.EXACT;
    if (exactA && exactB) {
      return new StringIntersection(Outcome.EMPTY, null); // unequal exact values
    }
    if (exactA) {
      return va.startsWith(vb)
          ? new StringIntersection(Outcome.MATCH, a)
          : new StringIntersection(Outcome.EMPTY, null);
    }
    if (exactB) {
      return vb.startsWith(va)
          ? new StringIntersection(Outcome.MATCH, b)
          : new StringIntersection(Outcome.EMPTY, null);
    }
    if (va.startsWith(vb)) {
      return new StringIntersection(Outcome.MATCH, a);
    }
    if (vb.startsWith(va)) {
      return new StringIntersection(Outcome.MATCH, b);
    }
    return new StringIntersection(Outcome.EMPTY, null);
  }
}
