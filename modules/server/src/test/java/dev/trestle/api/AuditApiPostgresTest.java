package dev.trestle.api;

import dev.trestle.testing.OnPostgres;

/**
 * AuditApiTest on PostgreSQL (the postgres storage profile): audit rows, filters, paging, hostile
 * filters, history and time travel, projection lag.
 */
@OnPostgres
class AuditApiPostgresTest extends AuditApiTest {}
