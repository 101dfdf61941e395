package dev.trestle.core;

/** Who asks, and the id that ties their request to events and logs. */
public record Caller(String principal, String requestId) {}
