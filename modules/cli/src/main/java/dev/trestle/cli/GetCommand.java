package dev.trestle.cli;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trestle get KIND [NAME|FQN]} / {@code trestle get FQN}: shows one resource or lists them.
 */
@Command(
    name = "get",
    sortOptions = false,
    description = {
      "Show one resource, or list the resources of a kind.",
      "",
      "  trestle get FQN                        one resource by its full name",
      "  trestle get KIND NAME [--org ...]      one resource; its parents come from the flags",
      "                                         or the CLI config, else it is searched for",
      "  trestle get KIND [--org ...]           every KIND below the deepest parent the flags name",
      "  trestle get FQN --version N            the resource exactly as it was at version N,",
      "                                         also after it was deleted ('trestle history FQN'",
      "                                         lists the versions)",
      "",
      "KIND: Organization, Tenant, Workspace, Group, Cluster, ServiceRoute, TrafficSetting,",
      "SecuritySetting, IngressGateway, EgressGateway, GitSource, RevisionRollout, WasmExtension,",
      "ApiDefinition; plurals (tenants) and short names (org, tn, ws, grp, cl, sr, ts, ss, igw,",
      "egw, gs, rro, wasm, api) work too. '-o yaml' prints documents 'trestle apply' accepts."
    })
final class GetCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "KIND|FQN",
      description = "Kind to show, or the FQN of one resource.")
  String first;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME|FQN",
      description = "Name (or FQN) of one resource.")
  String second;

  @Mixin ParentOptions parents;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), yaml (re-appliable documents) or json.")
  OutputFormat output = OutputFormat.table;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description = "Label selector for listings: env=prod,team!=payments,tier")
  String selector;

  @Option(names = "--limit", paramLabel = "N", description = "List at most N resources.")
  Integer limit;

  @Option(names = "--all-pages", description = "Follow every page of a listing (the default).")
  boolean allPages;

  @Option(
      names = "--version",
      paramLabel = "N",
      description =
          "Show the resource as it was at version N (also a deleted one); only with one named"
              + " resource, not with a listing. A deleted resource needs its FQN or every parent"
              + " flag.")
  Long version;

  // No -V/--version here ('trestle --version' prints the CLI's version): --version N is taken.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Override
  public Integer call() {
    if (limit != null && (limit < 1 || allPages)) {
      throw usage(
          limit < 1 ? "--limit must be at least 1" : "--limit and --all-pages exclude each other");
    }
    if (version != null && version < 1) {
      throw usage("--version must be at least 1");
    }
    Request request = request();
    if (version != null && request instanceof Many many) {
      throw usage(
          "--version needs one named resource (FQN, or KIND NAME), not a listing of "
              + many.listing().kind().collection());
    }
    try (ManagementClient client = connect()) {
      return request instanceof One one
          ? show(client, one.target())
          : list(client, ((Many) request).listing());
    }
  }

  private sealed interface Request {}

  private record One(Targets.Target target) implements Request {}

  private record Many(Targets.Listing listing) implements Request {}

  private Request request() {
    try {
      if (Targets.looksLikeFqn(first)) {
        if (second != null) {
          throw usage("give either an FQN or KIND NAME, not both");
        }
        return new One(new Targets.Exact(Targets.fqn(first)));
      }
      Kind kind = Targets.kind(first);
      ParentNames names = parents.resolve(config().parents());
      return second == null
          ? new Many(Targets.listing(kind, names))
          : new One(Targets.single(kind, second, names));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private int show(ManagementClient client, Targets.Target target) {
    long at = version == null ? 0 : version;
    Resource resource;
    if (target instanceof Targets.Exact exact) {
      resource = client.get(exact.fqn().toString(), at);
    } else {
      Resource live = search(client, (Targets.Search) target);
      resource = at > 0 ? client.get(Targets.fqnOf(live).toString(), at) : live;
    }
    print(List.of(resource), true);
    return ExitCodes.OK;
  }

  /** A name without all its parents: unique match below the deepest known ancestor. */
  private Resource search(ManagementClient client, Targets.Search search) {
    String note =
        version == null
            ? ""
            : "; a deleted "
                + Targets.label(search.kind().kindName())
                + " is found only by its FQN or with "
                + ParentOptions.flags(Targets.missingParents(search.kind(), search.parents()));
    return ResourceSearch.find(client, search, selector, note);
  }

  private int list(ManagementClient client, Targets.Listing listing) {
    ManagementClient.Listing page =
        client.listAll(request(listing).build(), limit == null ? 0 : limit);
    List<Resource> resources =
        page.resources().stream().filter(r -> listing.matches(Targets.fqnOf(r))).toList();
    if (resources.isEmpty() && output == OutputFormat.table) {
      err()
          .println(
              "No "
                  + listing.kind().collection()
                  + " found"
                  + (listing.parent().isRoot() ? "" : " under " + listing.parent())
                  + (selector == null ? "" : " matching '" + selector + "'")
                  + ".");
    }
    print(resources, false);
    if (page.more()) {
      err().println("(showing the first " + limit + "; there are more — raise --limit or drop it)");
    }
    return ExitCodes.OK;
  }

  private ListRequest.Builder request(Targets.Listing listing) {
    var builder =
        ListRequest.newBuilder()
            .setParent(listing.parent().toString())
            .setKind(listing.kind().kindName())
            .setRecursive(listing.recursive());
    if (selector != null) {
      builder.setLabelSelector(selector);
    }
    return builder;
  }

  private void print(List<Resource> resources, boolean single) {
    switch (output) {
      case table -> {
        if (!resources.isEmpty()) {
          out().print(ResourceTable.render(resources, root().environment().clock().instant()));
        }
      }
      case yaml -> out().print(ResourceDocuments.toYaml(resources));
      case json ->
          out()
              .print(
                  single
                      ? StructuredOutput.json(ResourceDocuments.toDocument(resources.get(0)))
                      : ResourceDocuments.toJson(resources) + "\n");
    }
  }
}
