import { RULES, type RuleId } from '../findings/rules.js';
import { absoluteDocsLinks } from '../report/rule-docs.js';
import { FINDING_RULE_DOCS } from './finding-docs.js';

/** SARIF's levels (§3.27.10); `none` is not used. */
export type SarifLevel = 'error' | 'warning' | 'note';

/** A SARIF reportingDescriptor (§3.49): what code scanning shows as the rule of an alert. */
export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string; readonly markdown: string };
  readonly help: { readonly text: string; readonly markdown: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: { readonly tags: readonly string[]; readonly precision: 'very-high' | 'high' };
}

/** The rules of changes in who can reach whom: not findings, but what a reviewer must see. */
export const PATH_OPENED = 'path-opened';
export const PATH_WIDENED = 'path-widened';
/** Input that could not be read or understood, at head: the check fails closed on it. */
export const INPUT_NOT_UNDERSTOOD = 'input-not-understood';

interface RuleText {
  readonly title: string;
  readonly meaning: string;
  readonly fix: string;
  readonly level: SarifLevel;
}

const OWN_RULES: Readonly<Record<string, RuleText>> = {
  [PATH_OPENED]: {
    title: 'The change opens a path: a source may now reach a destination that it could not before',
    meaning:
      'In head, the source may connect to the destination on the connections named, and in base it could not connect at all. The result sits on each rule at head that allows the path (NetworkPolicy, AuthorizationPolicy); the message lists the pairs that rule opens.',
    fix: 'If the path is intended, nothing: dismiss the alert. Otherwise narrow the rule (its `from`/`to` peers, ports, or the AuthorizationPolicy source) so it allows only what is meant.',
    level: 'warning',
  },
  [PATH_WIDENED]: {
    title: 'The change widens a path: a source may now send more to a destination than before',
    meaning:
      'The source could already reach the destination in base; in head it may use more connections (ports, protocols) or more requests (L7 methods, paths) than before. The result sits on each rule at head that allows the new part.',
    fix: 'If the wider access is intended, nothing. Otherwise narrow the ports of the rule, or the methods and paths of the AuthorizationPolicy rule.',
    level: 'warning',
  },
  [INPUT_NOT_UNDERSTOOD]: {
    title: 'Input that could not be read or understood: the analysis is incomplete',
    meaning:
      'policy-diff could not read or understand this input (invalid YAML, an unknown field, a value the API server rejects, a kind it does not model). Whatever it would have allowed or denied is missing from the analysis, so the changes it could explain are marked uncertain and the check fails closed.',
    fix: 'Fix the input as the message says; the check passes again once every input is understood.',
    level: 'error',
  },
};

const LEVEL_OF_SEVERITY: Readonly<Record<'error' | 'warning' | 'info', SarifLevel>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export function levelOfSeverity(severity: 'error' | 'warning' | 'info'): SarifLevel {
  return LEVEL_OF_SEVERITY[severity];
}

/** `path-opened` -> `PathOpened`: SARIF's name is an identifier-like form of the id (§3.49.7). */
function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase());
}

/** Markdown as plain text: code spans unquoted, links reduced to their text. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}

function descriptor(id: string, text: RuleText, tags: readonly string[]): SarifRule {
  // The docs' links to rules.md are relative; code scanning shows the help outside the repository.
  const meaning = absoluteDocsLinks(text.meaning);
  const help = `**${text.title}**\n\n${meaning}\n\n**Fix:** ${absoluteDocsLinks(text.fix)}`;
  return {
    id,
    name: pascal(id),
    shortDescription: { text: plain(text.title) },
    fullDescription: { text: plain(text.meaning), markdown: meaning },
    help: { text: plain(`${text.title}. ${text.meaning} Fix: ${text.fix}`), markdown: help },
    defaultConfiguration: { level: text.level },
    properties: { tags, precision: 'very-high' },
  };
}

/** The descriptor of a rule id the report uses: a finding rule, or one of policy-diff's own. */
export function sarifRule(id: string): SarifRule {
  const own = OWN_RULES[id];
  if (own) return descriptor(id, own, ['security', 'network-policy']);
  const rule = RULES[id as RuleId] as { severity: 'error' | 'warning' | 'info'; title: string } | undefined;
  const docs = FINDING_RULE_DOCS[id];
  const title = rule?.title ?? id;
  return descriptor(
    id,
    {
      title,
      // A rule added without a docs entry still gets a descriptor; its message says the rest.
      meaning: docs?.meaning ?? title,
      fix: docs?.fix ?? 'See the message of each result.',
      level: levelOfSeverity(rule?.severity ?? 'warning'),
    },
    ['security', 'configuration'],
  );
}
