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
    return describe(e, server, timeout, Transport.PLAINTEXT);
  }

  /** As above; connection failures get a hint about TLS when the transport may be the cause. */
  public static String describe(
      StatusRuntimeException e, ServerAddress server, Duration timeout, Transport transport) {
    Optional<ErrorDetail> detail = detail(e);
    if (detail.isPresent() && !detail.get().getMessage().isBlank()) {
      return describe(detail.get());
    }
    Status status = e.getStatus();
    String description = oneLine(Optional.ofNullable(status.getDescription()).orElse(""));
    return switch (status.getCode()) {
      case UNAVAILABLE -> unavailable(status, server, transport);
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

  /** Connection failures: TLS problems named as such, with the option that fixes them. */
  private static String unavailable(Status status, ServerAddress server, Transport transport) {
    String chain = causes(status).toLowerCase(Locale.ROOT);
    if (transport.tls()) {
      if (chain.contains("not an ssl/tls record") || chain.contains("notsslrecordexception")) {
        return "the server at "
            + server
            + " does not speak TLS; connect without --tls and --ca-file (or pass --no-tls)";
      }
      if (chain.contains("certification path")
          || chain.contains("pkix")
          || chain.contains("certificate_unknown")
          || chain.contains("unable to find valid")) {
        return "the TLS certificate of the server at "
            + server
            + " is not trusted by "
            + transport.caFile().map(f -> "the CA file " + f).orElse("the system's CAs")
            + "; pass --ca-file with the server's CA certificate (a self-signed server writes"
            + " <data-dir>/tls/ca.pem)";
      }
      if (chain.contains("no subject alternative")
          || chain.contains("no name matching")
          || chain.contains("hostname")) {
        return "the TLS certificate of the server at "
            + server
            + " is not issued for '"
            + server.host()
            + "'"
            + reason(status)
            + "; connect by a name it lists (a self-signed server's: localhost or 127.0.0.1)";
      }
      if (chain.contains("ssl") || chain.contains("tls") || chain.contains("handshake")) {
        return "TLS handshake with the server at " + server + " failed" + reason(status);
      }
    }
    String why = reason(status);
    String hint =
        !transport.tls() && !why.isEmpty() && !why.contains("connection refused")
            ? "; if it uses TLS, pass --ca-file PEM or --tls"
            : "";
    return "cannot reach the trestle server at "
        + server
        + why
        + "; is 'trestle server' running? (set --server or 'server:' in the CLI config)"
        + hint;
  }

  /** Class names and messages of the status's cause chain, for recognizing TLS failures. */
  private static String causes(Status status) {
    var sb = new StringBuilder(String.valueOf(status.getDescription()));
    int depth = 0;
    for (Throwable t = status.getCause(); t != null && depth < 10; t = t.getCause(), depth++) {
      sb.append(' ').append(t.getClass().getSimpleName()).append(' ').append(t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
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
    if (why != null && why.length() > 200) {
      why = why.substring(0, 200) + "…";
    }
    return why == null || why.isBlank() ? "" : " (" + oneLine(why) + ")";
  }
}
