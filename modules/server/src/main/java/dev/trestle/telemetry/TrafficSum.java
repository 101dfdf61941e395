package dev.trestle.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.TrafficPoint;

/** Requests, errors and latency added up over some series and time, and shown as a point. */
final class TrafficSum {
  long requests;
  long errors4xx;
  long errors5xx;
  final long[] buckets = new long[LatencyBuckets.COUNT];

  void add(SeriesKey key, SeriesCounters c) {
    if (key.responseClass().equals("tcp")) {
      return;
    }
    requests += c.requests;
    if (key.responseClass().equals("4xx")) {
      errors4xx += c.requests;
    } else if (key.isError()) {
      errors5xx += c.requests;
    }
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += c.buckets[i];
    }
  }

  void add(TrafficSum o) {
    requests += o.requests;
    errors4xx += o.errors4xx;
    errors5xx += o.errors5xx;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += o.buckets[i];
    }
  }

  /** 5xx over all requests; 0 without requests. */
  double errorRatio() {
    return requests == 0 ? 0 : (double) errors5xx / requests;
  }

  TrafficPoint point(long startSeconds, long seconds) {
    return TrafficPoint.newBuilder()
        .setStart(Timestamp.newBuilder().setSeconds(startSeconds))
        .setRequestsPerSecond(seconds <= 0 ? 0 : (double) requests / seconds)
        .setErrorRatio(errorRatio())
        .setP50Ms(LatencyBuckets.quantile(0.5, buckets))
        .setP90Ms(LatencyBuckets.quantile(0.9, buckets))
        .setP99Ms(LatencyBuckets.quantile(0.99, buckets))
        .setRequests(requests)
        .setErrors4Xx(errors4xx)
        .setErrors5Xx(errors5xx)
        .build();
  }
}
