package dev.trestle.api;

import dev.trestle.audit.AccessBindingIndex;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.iam.AccessControl;
import dev.trestle.protocol.DocumentException;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Reads the YAML/JSON documents of a REST apply body ({@code POST /apply}, {@code PUT}). The
 * declared size is admitted first (an oversize body is drained, never read). Every body, whatever
 * its size, is read only once the caller may write somewhere ({@link WriteScope}: permission before
 * parsing). A large body (over {@link Admission#LARGE_REQUEST_BYTES}, or of unknown length) also
 * needs one of its principal's large-request permits, and is parsed on the {@link ParsePool}, off
 * the dispatcher that serves requests; a small one is parsed where it arrives. Every document must
 * parse, otherwise nothing is applied.
 */
public final class ApplyBodies {
  private final Admission admission;
  private final WriteScope scope;
  private final ParsePool pool;
  private final long readTimeoutMillis;

  /**
   * The one body reader of the API port: every route that takes documents shares it, so they share
   * one bounded parse pool. {@code bodyTimeoutMillis}: how long reading a request body may take.
   */
  public static ApplyBodies create(
      Admission admission,
      AccessControl access,
      AccessBindingIndex bindings,
      RefusalLog refusals,
      long bodyTimeoutMillis) {
    return new ApplyBodies(
        admission,
        new WriteScope(access, bindings, refusals),
        ParsePool.forThisMachine(),
        bodyTimeoutMillis);
  }

  ApplyBodies(Admission admission, WriteScope scope, ParsePool pool, long readTimeoutMillis) {
    this.admission = admission;
    this.scope = scope;
    this.pool = pool;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /**
   * Runs {@code then} with the body's documents; {@code target} is the FQN a {@code PUT} names
   * (empty for an apply). A large request's permit is held until {@code then} is done.
   */
  <T> CompletionStage<T> withDocuments(
      RestCall call, Optional<String> target, Function<List<Resource>, CompletionStage<T>> then) {
    var request = call.request();
    OptionalLong length = request.entity().getContentLengthOption();
    long declared = length.orElse(0L);
    try {
      admission.checkSize(declared);
    } catch (ProblemException tooLarge) {
      // Drain rather than read it, so the client gets the answer instead of a reset connection.
      return request
          .discardEntityBytes(call.system())
          .completionStage()
          .handle(
              (done, drainFailed) -> {
                // past the HTTP layer's own limit the drain fails too: still a 413
                throw tooLarge;
              });
    }
    long expected = length.isPresent() ? declared : Admission.MAX_REQUEST_BYTES;
    // Permission first, whatever the size: a caller that may not write anywhere gets 403 and
    // its body is neither read nor parsed (nor is it told what is wrong with it).
    CompletionStage<Void> mayWrite = scope.require(call.caller(), target);
    if (!admission.isLarge(expected)) {
      return mayWrite
          .thenCompose(allowed -> text(call))
          .thenApply(ApplyBodies::parseAll)
          .thenCompose(then);
    }
    return mayWrite.thenCompose(
        allowed -> {
          LargeRequests.Permit permit = admission.admitLarge(call.caller(), expected);
          return text(call)
              .thenCompose(text -> pool.submit(() -> parseAll(text)))
              .thenCompose(then)
              .whenComplete((result, failure) -> permit.close());
        });
  }

  private CompletionStage<String> text(RestCall call) {
    return call.request()
        .entity()
        .withSizeLimit(Admission.MAX_REQUEST_BYTES)
        .toStrict(readTimeoutMillis, call.system())
        .thenApply(strict -> strict.getData().decodeString(StandardCharsets.UTF_8))
        .exceptionally(
            e -> {
              if (causedBy(e, EntityStreamSizeException.class)) {
                // a body without a declared length that grew past the limit
                throw Admission.tooLarge("more than " + Admission.MAX_REQUEST_BYTES + " bytes");
              }
              throw RestCall.invalid(
                  "the request body could not be read within "
                      + readTimeoutMillis / 1000
                      + " s (the connection stalled or closed)");
            });
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Every document must read cleanly, otherwise nothing is applied. */
  static List<Resource> parseAll(String text) {
    List<ParsedDocument> parsed;
    try {
      parsed = ResourceDocuments.parse(text);
    } catch (DocumentException e) {
      throw RestCall.invalid(e.getMessage());
    }
    var docs = new ArrayList<Resource>();
    for (ParsedDocument d : parsed) {
      if (d.error() != null) {
        String field =
            "documents["
                + (d.index() - 1)
                + "]"
                + (d.error().field().isEmpty() ? "" : "." + d.error().field());
        throw new ProblemException(
            new Problem(
                Problem.Code.INVALID_ARGUMENT,
                d.position() + ": " + d.error().getMessage(),
                List.of(new Problem.Violation(field, d.error().getMessage())),
                "",
                0,
                List.of()));
      }
      docs.add(d.resource());
    }
    if (docs.isEmpty()) {
      throw RestCall.invalid("the body holds no documents");
    }
    return docs;
  }
}
