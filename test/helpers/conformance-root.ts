import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, it } from 'vitest';
import { CACHE_DIR, COMPLETE_MARKER, INDEX_DIR } from '../../scripts/conformance/sources.js';
import { PROJECT_ROOT } from './shared.js';

/** Names a conformance root explicitly (a folder laid out like ../shared/conformance). */
export const CONFORMANCE_ENV = 'POLICY_DIFF_CONFORMANCE_DIR';

export type RootResolution =
  | { readonly root: string; readonly from: 'env' | 'cache' | 'shared' }
  | { readonly missing: string };

/**
 * Where the conformance data is, in this order: $POLICY_DIFF_CONFORMANCE_DIR (which must then
 * exist), the cache `npm run conformance:fetch` fills (only once complete), ../shared/conformance.
 */
export function resolveConformanceRoot(
  env: NodeJS.ProcessEnv,
  projectRoot: string = PROJECT_ROOT,
): RootResolution {
  const named = env[CONFORMANCE_ENV];
  if (named !== undefined && named !== '') {
    const root = resolve(projectRoot, named);
    if (!existsSync(root)) throw new Error(`${CONFORMANCE_ENV}=${named}: ${root} does not exist`);
    return { root, from: 'env' };
  }
  const cache = join(projectRoot, CACHE_DIR);
  if (existsSync(join(cache, COMPLETE_MARKER))) return { root: cache, from: 'cache' };
  const shared = resolve(projectRoot, '..', 'shared', 'conformance');
  if (existsSync(shared)) return { root: shared, from: 'shared' };
  return {
    missing:
      `no conformance data: ${CONFORMANCE_ENV} is unset, ${cache} is not filled ` +
      `(run 'npm run conformance:fetch'; it needs network) and ${shared} does not exist`,
  };
}

const inCi = (env: NodeJS.ProcessEnv) => env.CI !== undefined && !['', '0', 'false'].includes(env.CI);

/**
 * The root for a test file, or in CI an error naming what is missing. Outside CI with no data the
 * file's tests are skipped, loudly: a warning, a skipped suite naming the reason, and every test
 * of the file skipped. Its case lists are then read from our index, so the skipped tests keep
 * their names.
 */
export function requireConformanceRoot(env: NodeJS.ProcessEnv, projectRoot: string = PROJECT_ROOT) {
  const r = resolveConformanceRoot(env, projectRoot);
  if ('root' in r) return r;
  if (inCi(env)) throw new Error(`${r.missing}. CI must run the conformance suite.`);
  return { root: join(projectRoot, INDEX_DIR), skip: r.missing };
}

/** `conformanceRoot('nca')`: the path under the conformance root, for a test file's top level. */
export function conformanceRoot(...parts: string[]): string {
  const r = requireConformanceRoot(process.env);
  if ('skip' in r) {
    console.warn(`SKIPPED conformance tests: ${r.skip}`);
    describe.skip(`conformance data missing: ${r.skip}`, () => {
      it('needs the conformance data', () => {});
    });
    beforeEach((ctx) => ctx.skip(r.skip));
  }
  return join(r.root, ...parts);
}
