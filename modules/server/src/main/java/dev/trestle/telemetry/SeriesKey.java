package dev.trestle.telemetry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What one stored series is about: the reporting cluster (name, in {@code org}), the calling
 * workload and the called service with their namespace and cluster labels, and the response class.
 * Values are cut to their column's length; {@link #id()} is the first 64 bits of the SHA-256 of the
 * whole key, the series table's primary key.
 */
record SeriesKey(
    String org,
    String cluster,
    String srcWorkload,
    String srcNamespace,
    String srcCluster,
    String dstService,
    String dstNamespace,
    String dstCluster,
    String responseClass) {

  SeriesKey {
    org = cut(org, 63);
    cluster = cut(cluster, 63);
    srcWorkload = cut(srcWorkload, 253);
    srcNamespace = cut(srcNamespace, 63);
    srcCluster = cut(srcCluster, 63);
    dstService = cut(dstService, 253);
    dstNamespace = cut(dstNamespace, 63);
    dstCluster = cut(dstCluster, 63);
    responseClass = cut(responseClass, 8);
  }

  long id() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String part :
        new String[] {
          org,
          cluster,
          srcWorkload,
          srcNamespace,
          srcCluster,
          dstService,
          dstNamespace,
          dstCluster,
          responseClass
        }) {
      sha.update(part.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return ByteBuffer.wrap(sha.digest()).getLong();
  }

  /** The source's cluster: its label, else the reporting cluster. */
  String sourceCluster() {
    return srcCluster.isEmpty() ? cluster : srcCluster;
  }

  /** The destination's cluster: its label, else the reporting cluster. */
  String destinationCluster() {
    return dstCluster.isEmpty() ? cluster : dstCluster;
  }

  boolean isError() {
    return responseClass.equals("5xx");
  }

  private static String cut(String value, int max) {
    String v = value == null ? "" : value.strip();
    return v.length() > max ? v.substring(0, max) : v;
  }
}
