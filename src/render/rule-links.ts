import { linkRuleIdsInMarkdown } from '../report/rule-docs.js';
import { escapeMarkdown } from './escape.js';

/**
 * A finding's or diagnostic's message as Markdown prose whose rule citations (`rule E5`, `(D17)`)
 * link to their explanation in docs/rules.md: a reviewer reading the PR comment can follow them.
 */
export function messageMarkdown(message: string): string {
  return linkRuleIdsInMarkdown(escapeMarkdown(message));
}
