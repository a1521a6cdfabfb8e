import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/report/version.js';

describe('version', () => {
  // Bundles cannot read package.json at run time (it is not beside them in dist/action), so the
  // version is a constant; docs/releasing.md bumps both, and this keeps them in step.
  it('src/report/version.ts says what package.json says', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });
});
