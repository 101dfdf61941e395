package dev.trestle.edgesync;

import dev.trestle.testing.OnPostgres;

/**
 * EdgeStreamTest on PostgreSQL (the postgres storage profile): edge stream snapshot and deltas,
 * tokens, health, the cluster entity's bounded journal.
 */
@OnPostgres
class EdgeStreamPostgresTest extends EdgeStreamTest {}
