package dev.trestle.audit;

import dev.trestle.testing.OnPostgres;

/**
 * AuditCrashRecoveryTest on PostgreSQL: kill -9 mid-burst, every acknowledged change audited once.
 */
@OnPostgres
class AuditCrashRecoveryPostgresTest extends AuditCrashRecoveryTest {}
