import type { Diagnostic } from '../core/diagnostics.js';

/**
 * Messages quote what a manifest says: a name, a key, a scalar. A hostile or broken file can make
 * one of those megabytes long, and every report, comment and annotation would repeat it. A run of
 * more than MAX_WORD non-space characters (longer than any real path or name) keeps its start and
 * says how long it was; a message is cut at MAX_MESSAGE in all.
 */
const MAX_WORD = 200;
const KEPT_OF_WORD = 60;
const MAX_MESSAGE = 1000;
const LONG_WORD = new RegExp(`\\S{${MAX_WORD + 1},}`, 'g');

export function boundText(text: string): string {
  if (text.length <= MAX_WORD) return text;
  const words = text.replace(LONG_WORD, (w) => `${w.slice(0, KEPT_OF_WORD)}... (${w.length} characters)`);
  return words.length > MAX_MESSAGE ? `${words.slice(0, MAX_MESSAGE - 3)}...` : words;
}

/** A diagnostic whose message and `dropped` quote user text within bounds. */
export function boundDiagnostic(d: Diagnostic): Diagnostic {
  const message = boundText(d.message);
  const dropped = d.dropped === undefined ? undefined : boundText(d.dropped);
  if (message === d.message && dropped === d.dropped) return d;
  return dropped === undefined ? { ...d, message } : { ...d, message, dropped };
}
