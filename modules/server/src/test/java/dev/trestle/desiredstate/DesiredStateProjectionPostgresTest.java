package dev.trestle.desiredstate;

import dev.trestle.testing.OnPostgres;

/**
 * DesiredStateProjectionTest on PostgreSQL (the postgres storage profile): the desired-state
 * projection as Central runs it.
 */
@OnPostgres
class DesiredStateProjectionPostgresTest extends DesiredStateProjectionTest {}
