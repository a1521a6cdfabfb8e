import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from './shared.js';
import { expectSameText } from './unified-diff.js';

/**
 * Compares `actual` with test/golden/<name> byte for byte. `UPDATE_GOLDEN=1 npm test` rewrites the
 * file instead (then read the diff before committing it).
 */
export function expectGolden(actual: string, name: string): void {
  const file = join(PROJECT_ROOT, 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`missing golden file ${file}; run with UPDATE_GOLDEN=1 to create it`);
  expectSameText(actual, readFileSync(file, 'utf8'), name);
}
