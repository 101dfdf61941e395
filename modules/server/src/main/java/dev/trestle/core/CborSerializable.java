package dev.trestle.core;

/**
 * Marker for messages and events serialized with Jackson CBOR (bound in the server's config).
 * Journal events are records of this kind, never generated protobuf classes.
 */
public interface CborSerializable {}
