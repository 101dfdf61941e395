// Field changes (ApplyResult.changes, AuditEntry.changes) as table rows. Pure (unit-tested).

/** JSON text as shown in a change table: strings unquoted, empty as "(none)". */
export function showValue(jsonText) {
  if (jsonText === undefined || jsonText === null || jsonText === '') return '(none)';
  try {
    const v = JSON.parse(jsonText);
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
  } catch {
    return String(jsonText);
  }
}

/** [{path, before, after, kind: 'added'|'removed'|'changed'|'created'}] from FieldChange[]. */
export function changeRows(changes) {
  return (changes ?? []).map((c) => {
    const before = c.before ?? '';
    const after = c.after ?? '';
    const kind = !c.path ? 'created' : before === '' ? 'added' : after === '' ? 'removed' : 'changed';
    return { path: c.path || '(whole resource)', before: showValue(before), after: showValue(after), kind };
  });
}

/** One line per change: "spec.subsets[0].weight: 90 -> 50". */
export function changeLines(changes) {
  return changeRows(changes).map((r) => `${r.path}: ${r.before} -> ${r.after}`);
}
