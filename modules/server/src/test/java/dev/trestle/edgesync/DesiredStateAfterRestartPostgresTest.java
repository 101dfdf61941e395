package dev.trestle.edgesync;

import dev.trestle.testing.OnPostgres;

/**
 * DesiredStateAfterRestartTest on PostgreSQL: after a restart the projections move past the
 * journal's permanent gaps at once, as on the embedded profile (the journal's ordering at start is
 * read under a SHARE lock, once other writers' transactions have ended).
 */
@OnPostgres
class DesiredStateAfterRestartPostgresTest extends DesiredStateAfterRestartTest {}
