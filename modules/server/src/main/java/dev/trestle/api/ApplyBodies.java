package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.DocumentException;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reads the YAML/JSON documents of a REST apply body ({@code POST /apply}, {@code PUT}): the
 * declared size is admitted first (an oversize body is drained, never read), then the body is read
 * within its time limit and every document must parse, otherwise nothing is applied.
 */
final class ApplyBodies {
  private final Admission admission;
  private final long readTimeoutMillis;

  ApplyBodies(Admission admission, long readTimeoutMillis) {
    this.admission = admission;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  CompletionStage<List<Resource>> read(RestCall call) {
    return text(call).thenApply(ApplyBodies::parseAll);
  }

  private CompletionStage<String> text(RestCall call) {
    var request = call.request();
    long declared = request.entity().getContentLengthOption().orElse(0L);
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
    return request
        .entity()
        .withSizeLimit(Admission.MAX_REQUEST_BYTES)
        .toStrict(readTimeoutMillis, call.system())
        .thenApply(strict -> strict.getData().decodeString(StandardCharsets.UTF_8))
        .exceptionally(
            e -> {
              throw RestCall.invalid(
                  "the request body could not be read (the limit is "
                      + Admission.MAX_REQUEST_BYTES
                      + " bytes)");
            });
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
