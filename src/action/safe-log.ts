import * as core from '@actions/core';
import { neutralise, safeLines } from '../core/safe-text.js';

/**
 * The step log, safe for text that came from the repository: `core.info` writes lines as they
 * are, so each is neutralised and cannot start a workflow command (`::set-output`, `::add-mask`);
 * annotation-style commands escape line breaks themselves, and get control characters and bidi
 * overrides neutralised. The action logs through this, never through core directly.
 */
export const safeLog = {
  info: (text: string) => core.info(safeLines(text)),
  debug: (text: string) => core.debug(safeLines(text)),
  notice: (text: string, properties?: core.AnnotationProperties) =>
    core.notice(safeMessage(text), properties),
  warning: (text: string, properties?: core.AnnotationProperties) =>
    core.warning(safeMessage(text), properties),
  error: (text: string, properties?: core.AnnotationProperties) => core.error(safeMessage(text), properties),
  setFailed: (text: string) => core.setFailed(safeMessage(text)),
  startGroup: (name: string) => core.startGroup(neutralise(name)),
  endGroup: () => core.endGroup(),
};

/** Line breaks kept (the runner escapes them in a command), each line neutralised. */
function safeMessage(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => neutralise(l))
    .join('\n');
}
