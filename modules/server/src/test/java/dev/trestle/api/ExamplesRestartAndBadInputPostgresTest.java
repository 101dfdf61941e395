package dev.trestle.api;

import dev.trestle.testing.OnPostgres;

/**
 * ExamplesRestartAndBadInputTest on PostgreSQL (the postgres storage profile): the examples survive
 * a restart, bad input changes nothing.
 */
@OnPostgres
class ExamplesRestartAndBadInputPostgresTest extends ExamplesRestartAndBadInputTest {}
