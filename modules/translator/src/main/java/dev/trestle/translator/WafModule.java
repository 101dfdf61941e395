package dev.trestle.translator;

/**
 * The WAF's Wasm module (Coraza's proxy-wasm build), pinned by the server's configuration ({@code
 * trestle.policy.waf.url} and {@code .sha256}): WafPolicies run this exact module. {@link #NONE}
 * when the server has none configured; WAF policies then emit nothing and say why.
 */
public record WafModule(String url, String sha256) {
  public static final WafModule NONE = new WafModule("", "");

  public WafModule {
    url = url == null ? "" : url.strip();
    sha256 = sha256 == null ? "" : sha256.strip();
  }

  public boolean configured() {
    return !url.isEmpty() && !sha256.isEmpty();
  }
}
