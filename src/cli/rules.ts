import { RULE_IDS, RULES } from '../findings/rules.js';
import { REPOSITORY_URL } from '../report/rule-docs.js';
import { VERSION } from '../report/version.js';

/**
 * docs/findings.md's rules table at this release's tag, as the report's rule links are: a listing
 * printed by an old install keeps pointing at the rules it implements. The table's rows have no
 * anchors of their own (SARIF reads them word for word), so every rule links to the table.
 */
export const FINDINGS_DOC_URL = `${REPOSITORY_URL}/blob/v${VERSION}/docs/findings.md#rules`;

/** `policy-diff rules`: every finding rule with its default severity, title and documentation. */
export function renderRules(format: 'text' | 'json'): string {
  const rules = RULE_IDS.map((id) => ({ id, severity: RULES[id].severity, title: RULES[id].title }));
  if (format === 'json')
    return `${JSON.stringify(
      rules.map((r) => ({ ...r, doc: FINDINGS_DOC_URL })),
      null,
      2,
    )}\n`;
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  const lines = rules.map((r) => `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(7)}  ${r.title}`);
  return `${'rule'.padEnd(idWidth)}  default  what it finds\n${lines.join('\n')}\n\nEach rule's meaning and usual fix: ${FINDINGS_DOC_URL}\nSeverities are set, and findings accepted, in .policy-diff.yaml (findings.severity, findings.accept).\n`;
}
