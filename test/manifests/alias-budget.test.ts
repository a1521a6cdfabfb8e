import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { AliasBudget } from '../../src/manifests/alias-budget.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { ParseCache } from '../../src/manifests/parse-cache.js';
import type { SourceFile } from '../../src/manifests/types.js';

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);

/** A ConfigMap whose `data.big` anchor of `entries` entries is aliased `aliases` times. */
function aliasedConfigMap(name: string, entries: number, aliases: number, namespace = 'shop'): string {
  const big = Array.from({ length: entries }, (_, i) => `    k${i}: v${i}`).join('\n');
  const copies = Array.from({ length: aliases }, (_, i) => `  c${i}: *big`).join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${namespace}}\ndata:\n  big: &big\n${big}\n${copies}\n`;
}

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: shop}\n';

describe('alias expansion: go-yaml v2 budget per document', () => {
  // go-yaml v2 (decode.go): more than 99% of the decoded values from aliases in a document of
  // fewer than 400,000 values is "document contains excessive aliasing": kubectl refuses it.
  it('a big anchor aliased 100 times is refused as kubectl refuses it; the next document is kept', () => {
    const parsed = parseSourceFile(
      { path: 'big.yaml', text: `${aliasedConfigMap('bomb', 2000, 100)}---\n${SERVICE}` },
      'main',
    );
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-alias-limit']);
    expect(parsed.diagnostics[0]?.message).toMatch(/excessive aliasing/);
    expect(parsed.diagnostics[0]?.reach).toEqual({ kind: 'all' });
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok']);
  });

  it('the same anchor aliased a few times is what kubectl accepts', () => {
    const parsed = parseSourceFile({ path: 'ok.yaml', text: aliasedConfigMap('fine', 2000, 3) }, 'main');
    expect(codes(parsed.diagnostics)).toEqual([]);
    expect(parsed.objects[0]?.body.data).toMatchObject({ c2: { k1999: 'v1999' } });
    // Each alias expands to the anchor's 2000 pairs: 1 + 2 x 2000 decode operations.
    expect(parsed.aliased).toBe(3 * 4001);
  });

  it('merge keys count against the budget too (a merge bomb)', () => {
    const levels = ['a0: &a0 {x: 1, y1: 2, z: 3}'];
    for (let i = 1; i < 12; i++) {
      levels.push(
        `a${i}: &a${i} {<<: [${Array(6)
          .fill(`*a${i - 1}`)
          .join(', ')}], k${i}: v}`,
      );
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  ${levels.join('\n  ')}\n---\n${SERVICE}`;
    const parsed = parseSourceFile({ path: 'merge.yaml', text }, 'main');
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-alias-limit']);
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok']);
  });
});

describe('alias expansion: one budget for the whole run', () => {
  const files: SourceFile[] = [
    { path: 'a.yaml', text: aliasedConfigMap('a', 1000, 3) },
    { path: 'b.yaml', text: aliasedConfigMap('b', 1000, 3, 'shop') },
    { path: 'c.yaml', text: SERVICE },
  ];

  it('a file beyond what is left is an error for that file only, reaching its namespaces', async () => {
    // Each file expands 3 x 2001 values; the budget holds one of them.
    const cache = new ParseCache(new AliasBudget(7000));
    await cache.prefill(files, 'base');
    const [a, b, c] = files.map((f) => cache.parse(f, 'base'));
    expect(a!.objects.map((o) => o.name)).toEqual(['a']);
    expect(codes(b!.diagnostics)).toEqual(['error:yaml-alias-budget']);
    expect(b!.objects).toEqual([]);
    expect(b!.diagnostics[0]).toMatchObject({
      location: { revision: 'base', file: 'b.yaml', line: 1 },
      reach: { kind: 'namespaces', namespaces: ['shop'] },
    });
    expect(c!.objects.map((o) => o.name)).toEqual(['ok']);
    // The head revision shares the files: charged once, answered the same.
    expect(cache.parse(files[1]!, 'head').diagnostics[0]?.location?.revision).toBe('head');
    expect(cache.parse(files[0]!, 'head').objects.map((o) => o.name)).toEqual(['a']);
  });

  it('within the budget nothing is dropped', async () => {
    const cache = new ParseCache(new AliasBudget(20_000));
    await cache.prefill(files, 'base');
    expect(files.flatMap((f) => codes(cache.parse(f, 'base').diagnostics))).toEqual([]);
  });
});
