package dev.trestle.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.api.IamApiTest;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** The admin's calls the GitOps tests share: apply documents, grant a source's principal. */
final class GitOpsTestCalls {
  private GitOpsTestCalls() {}

  /** Applies every document of {@code yaml}; each must be accepted. */
  static void apply(ManagedChannel channel, String token, String yaml) {
    var results =
        ManagementServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(IamApiTest.bearer(token))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .apply(
                ApplyRequest.newBuilder()
                    .addAllResources(
                        ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList())
                    .build())
            .getResultsList();
    assertThat(results).allMatch(r -> !r.hasError(), results.toString());
  }

  /** Adds a binding of {@code role} for {@code subject} on {@code target}, keeping the others. */
  static void bind(
      ManagedChannel channel, String token, String target, String role, String subject) {
    var iam =
        IamServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(IamApiTest.bearer(token))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    var current =
        iam.getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(target).build());
    iam.setAccessBindings(
        SetAccessBindingsRequest.newBuilder()
            .setTarget(target)
            .addAllBindings(current.getBindingsList())
            .addBindings(Binding.newBuilder().setRole(role).addSubjects(subject))
            .build());
  }
}
