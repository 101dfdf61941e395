package dev.trestle.cli;

import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldViolation;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns failed calls and {@link ErrorDetail}s into the one-line reasons the CLI prints. */
public final class RemoteErrors {
  public static final Metadata.Key<ErrorDetail> ERROR_DETAIL_KEY =
      Metadata.Key.of(
          "trestle-error-bin", ProtoUtils.metadataMarshaller(ErrorDetail.getDefaultInstance()));
  private static final int MAX_CHILDREN_SHOWN = 5;

  private RemoteErrors() {}

  /** The {@code trestle-error-bin} trailer of a failed call, if the server sent one. */
  public static Optional<ErrorDetail> detail(StatusRuntimeException e) {
    Metadata trailers = Status.trailersFromThrowable(e);
    if (trailers == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(trailers.get(ERROR_DETAIL_KEY));
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** One line for a failed call: the server's own explanation when it gave one. */
  public static String describe(StatusRuntimeException e, ServerAddress server, Duration timeout) {
    Optional<ErrorDetail> detail = detail(e);
    if (detail.isPresent() && !detail.get().getMessage().isBlank()) {
      return describe(detail.get());
    }
    Status status = e.getStatus();
    String description = oneLine(Optional.ofNullable(status.getDescription()).orElse(""));
    return switch (status.getCode()) {
      case UNAVAILABLE ->
          "cannot reach the trestle server at "
              + server
              + reason(status)
              + "; is 'trestle server' running? (set --server or 'server:' in the CLI config)";
      case DEADLINE_EXCEEDED ->
          "no answer from the trestle server at "
              + server
              + " within "
              + DurationConverter.format(timeout)
              + " (raise --timeout)";
      case UNIMPLEMENTED ->
          "the server at "
              + server
              + " does not offer this call"
              + (description.isEmpty() ? "" : " (" + description + ")");
      default ->
          status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + (description.isEmpty() ? "" : ": " + description);
    };
  }

  /** {@code fqn: message; field: problem; ...} on one line. */
  public static String describe(ErrorDetail detail) {
    String reason = withoutFqn(detail);
    String fqn = detail.getFqn();
    if (fqn.isEmpty()) {
      return reason;
    }
    // Name the resource unless the server's own sentence already does.
    boolean named =
        oneLine(detail.getMessage()).contains(fqn)
            && !oneLine(detail.getMessage()).startsWith(fqn + ": ");
    if (named) {
      return reason;
    }
    return reason.isEmpty() ? fqn : fqn + ": " + reason;
  }

  /**
   * The reason without a leading {@code fqn: }, for lines that already show the FQN; adds the field
   * violations, children and current version the message does not already mention.
   */
  public static String withoutFqn(ErrorDetail detail) {
    String message = oneLine(detail.getMessage());
    String fqn = detail.getFqn();
    if (!fqn.isEmpty() && message.startsWith(fqn + ": ")) {
      message = message.substring(fqn.length() + 2);
    }
    var extra = new ArrayList<String>();
    for (FieldViolation v : detail.getFieldViolationsList()) {
      String text =
          v.getField().isEmpty() ? v.getDescription() : v.getField() + ": " + v.getDescription();
      if (!message.contains(text)
          && !(message.contains(v.getDescription()) && message.contains(v.getField()))) {
        extra.add(oneLine(text));
      }
    }
    List<String> shown =
        detail
            .getChildrenList()
            .subList(0, Math.min(MAX_CHILDREN_SHOWN, detail.getChildrenCount()));
    if (!shown.isEmpty() && !shown.stream().allMatch(message::contains)) {
      extra.add("children: " + abbreviate(detail.getChildrenList()));
    }
    if (detail.getCurrentVersion() > 0
        && !message.toLowerCase(Locale.ROOT).contains("current version")) {
      extra.add("current version is " + detail.getCurrentVersion());
    }
    var all = new ArrayList<String>();
    if (!message.isEmpty()) {
      all.add(message);
    }
    all.addAll(extra);
    return String.join("; ", all);
  }

  static String abbreviate(List<String> items) {
    if (items.size() <= MAX_CHILDREN_SHOWN) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_CHILDREN_SHOWN))
        + " and "
        + (items.size() - MAX_CHILDREN_SHOWN)
        + " more";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String reason(Status status) {
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why =
        root != null && root.getMessage() != null ? root.getMessage() : status.getDescription();
    if (why != null && why.toLowerCase(Locale.ROOT).contains("connection refused")) {
      why = "connection refused";
    }
    return why == null || why.isBlank() ? "" : " (" + oneLine(why) + ")";
  }
}
