package dev.trestle.audit;

import dev.trestle.testing.OnPostgres;

/** AuditScanBudgetTest on PostgreSQL: budgeted scans page to exactly the unbounded result. */
@OnPostgres
class AuditScanBudgetPostgresTest extends AuditScanBudgetTest {}
