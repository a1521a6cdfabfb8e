import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root of policy-diff. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared beside the project (read-only; never copied into the project). */
export const SHARED = resolve(PROJECT_ROOT, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  const p = join(SHARED, ...parts);
  if (!existsSync(p))
    throw new Error(`missing shared input ${p}: the conformance suite reads ../shared beside the project`);
  return p;
}
