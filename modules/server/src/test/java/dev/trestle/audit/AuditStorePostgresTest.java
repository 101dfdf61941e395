package dev.trestle.audit;

import dev.trestle.testing.OnPostgres;

/** AuditStoreTest on PostgreSQL: the same audit SQL (filters, keyset paging, retention). */
@OnPostgres
class AuditStorePostgresTest extends AuditStoreTest {}
