package dev.trestle.management;

import java.util.regex.Pattern;

/** Name rules shared by validators: Kubernetes DNS-1123 labels and label keys/values. */
final class Names {
  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  static final Pattern HOST =
      Pattern.compile(
          "(\\*|\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*|\\*");

  private Names() {}

  /** Null when valid, else why not. */
  static String dnsLabelProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "is required";
    }
    if (value.length() > 63) {
      return "'" + value + "' is longer than 63 characters";
    }
    if (!DNS_LABEL.matcher(value).matches()) {
      return "'"
          + value
          + "' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending"
          + " with a letter or digit)";
    }
    return null;
  }

  static String labelKeyProblem(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return "label key prefix '" + prefix + "' must be a DNS subdomain";
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return "label key '"
          + key
          + "' must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and"
          + " ending with an alphanumeric";
    }
    return null;
  }

  static String labelValueProblem(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return "label value '"
          + value
          + "' must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and"
          + " ending with an alphanumeric";
    }
    return null;
  }
}
