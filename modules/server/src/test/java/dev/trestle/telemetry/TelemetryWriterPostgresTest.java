package dev.trestle.telemetry;

import dev.trestle.testing.OnPostgres;

/** TelemetryWriterTest on PostgreSQL. */
@OnPostgres
class TelemetryWriterPostgresTest extends TelemetryWriterTest {}
