import { createHash } from 'node:crypto';

/** A short, stable digest of a text: for comparing contents across revisions, never for security. */
export function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
