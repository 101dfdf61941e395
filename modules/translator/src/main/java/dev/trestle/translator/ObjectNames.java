package dev.trestle.translator;

import dev.trestle.protocol.Hashes;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of emitted objects: {@code trestle-<base>-<hash>}, where the hash is the first 8 hex digits
 * of the SHA-256 of a stable key (usually the source FQN). The result is always a DNS-1123 label of
 * at most 63 characters, so it is valid for every Kubernetes kind; the hash keeps names unique when
 * the base has to be shortened and keeps them apart from hand-written objects.
 */
public final class ObjectNames {
  public static final int MAX_LABEL = 63;
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final String PREFIX = "trestle-";
  private static final int HASH_CHARS = 8;

  private ObjectNames() {}

  /** {@code trestle-<base>-<hash(key)>}, shortened to 63 characters. */
  public static String name(String base, String key) {
    String suffix = "-" + shortHash(key);
    int room = MAX_LABEL - PREFIX.length() - suffix.length();
    String cleaned = sanitize(base);
    if (cleaned.length() > room) {
      cleaned = cleaned.substring(0, room);
    }
    cleaned = cleaned.replaceAll("-+$", "");
    return cleaned.isEmpty() ? PREFIX + shortHash(key) : PREFIX + cleaned + suffix;
  }

  public static boolean isDnsLabel(String text) {
    return text != null && text.length() <= MAX_LABEL && DNS_LABEL.matcher(text).matches();
  }

  static String shortHash(String key) {
    return Hashes.sha256(key).substring(0, HASH_CHARS);
  }

  private static String sanitize(String base) {
    String lower = base == null ? "" : base.toLowerCase(Locale.ROOT);
    return lower.replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+", "").replaceAll("-{2,}", "-");
  }
}
