package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import java.util.List;

/** A role granted to subjects ("users/alice", "serviceaccounts/ci") on the bound FQN and below. */
public record Binding(String role, List<String> subjects) implements CborSerializable {
  public Binding {
    subjects = List.copyOf(subjects);
  }
}
