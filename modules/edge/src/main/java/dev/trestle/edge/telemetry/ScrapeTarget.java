package dev.trestle.edge.telemetry;

import java.net.URI;

/**
 * One Prometheus text endpoint to scrape.
 *
 * @param id stable while the target lives ({@code namespace/pod}, or the URL)
 * @param uri what to GET
 */
public record ScrapeTarget(String id, URI uri) {}
