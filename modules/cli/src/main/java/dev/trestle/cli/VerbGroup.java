package dev.trestle.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups verbs ({@code trestle iam VERB}): its client options are inherited by
 * the verbs, and without a verb it says what is missing and shows its usage.
 */
abstract class VerbGroup implements Callable<Integer>, ClientOptions.Holder {
  @Spec CommandSpec spec;

  @Mixin ClientOptions options;

  /** What the user left out, e.g. "iam verb". */
  abstract String missing();

  @Override
  public ClientOptions clientOptions() {
    return options;
  }

  @Override
  public Integer call() {
    return MissingVerb.report(spec, missing());
  }
}
