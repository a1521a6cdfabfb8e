import type { Config } from '../config/types.js';
import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import { readAppObjects } from './applications.js';
import { type AppUnit, planAppObjects } from './applications-plan.js';
import { filesUnder, type RepoIndex } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';
import type { PlannedRoot } from './roots.js';

/**
 * Applications that a render produces (a Helm chart whose templates are Applications: Argo CD's
 * app of apps through Helm) are followed like those written in files, to this depth: an app of
 * apps of apps is common, five levels are not, and the limit stops a chain that never closes.
 */
export const MAX_APP_DEPTH = 5;

/** A render's output, the target it belongs to, and the root that made it. */
export interface Produced {
  readonly output: SourceFile;
  readonly group: string;
  readonly producer: PlannedRoot;
}

export interface FollowContext {
  readonly files: readonly SourceFile[];
  readonly index: RepoIndex;
  readonly parsed: ReadonlyMap<string, ParsedKustomization>;
  readonly config: Config;
  readonly revision: string;
  /** Files whose Applications were already read as written (not followed again from a render). */
  readonly known: ReadonlySet<string>;
  /** What is already rendered or read (unitKey): an Application met again is not followed again. */
  readonly seen: Set<string>;
}

export interface Followed {
  readonly units: AppUnit[];
  readonly rendered: Map<PlannedRoot, SourceFile>;
  readonly diagnostics: Diagnostic[];
  /** The roots whose output held Applications that were followed. */
  readonly producers: Set<PlannedRoot>;
}

/** What a unit renders or reads, so that a loop (an app of apps that renders itself) closes. */
export function unitKey(u: Pick<AppUnit, 'root' | 'plain' | 'source'>): string {
  if (u.root) return `root ${JSON.stringify(u.root.spec)}`;
  if (u.plain.length > 0) return `plain ${JSON.stringify([u.source.landing ?? null, u.plain])}`;
  return `app ${u.source.app} ${u.source.at.file}:${u.source.at.line}`;
}

/**
 * Follows the Applications found in these outputs, wave by wave: each new Application's source is
 * planned with the same rules as a written one (in its producer's target), rendered by `render`,
 * and its output searched in turn.
 */
export async function followRendered(
  first: readonly Produced[],
  ctx: FollowContext,
  render: (roots: PlannedRoot[]) => Promise<Map<PlannedRoot, SourceFile>>,
): Promise<Followed> {
  const done: Followed = { units: [], rendered: new Map(), diagnostics: [], producers: new Set() };
  let wave = [...first];
  for (let depth = 0; wave.length > 0; depth++) {
    const next: Produced[] = [];
    for (const w of wave) {
      const objects = readAppObjects([w.output]).filter((o) => !ctx.known.has(o.at.file));
      if (objects.length === 0) continue;
      if (depth === MAX_APP_DEPTH) {
        done.diagnostics.push(tooDeep(ctx.revision, objects[0]?.at ?? { file: w.output.path, line: 1 }));
        continue;
      }
      done.producers.add(w.producer);
      const { render: rc } = ctx.config;
      const plan = planAppObjects(
        objects,
        ctx.files,
        ctx.index,
        ctx.parsed,
        rc,
        rc.repoURLs,
        ctx.revision,
        w.group,
      );
      done.diagnostics.push(...plan.diagnostics);
      const fresh = plan.units.filter((u) => !ctx.seen.has(unitKey(u)) && ctx.seen.add(unitKey(u)));
      done.units.push(...fresh);
      const out = await render(fresh.flatMap((u) => u.root ?? []));
      for (const [root, output] of out) {
        done.rendered.set(root, output);
        next.push({ output, group: w.group, producer: root });
      }
    }
    wave = next;
  }
  return { ...done, diagnostics: unique(done.diagnostics) };
}

function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.message, d.location]);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

function tooDeep(revision: string, at: { file: string; line: number }): Diagnostic {
  return {
    severity: 'warning',
    code: 'application-too-deep',
    message: `Applications rendered ${MAX_APP_DEPTH} levels deep (an app of apps of apps ...) are not followed further; what they install is unknown, so this target's changes are uncertain`,
    location: { revision, file: at.file, line: at.line, column: 1 },
    dropped: 'what Applications deeper than the limit install',
    reach: REACH_ALL,
  };
}

/** Every output of the first renders, with its target: a planned root's is its directory. */
export function producedBy(
  roots: readonly PlannedRoot[],
  units: readonly AppUnit[],
  byRoot: ReadonlyMap<PlannedRoot, SourceFile>,
): Produced[] {
  const out: Produced[] = [];
  for (const r of roots) {
    const output = byRoot.get(r);
    if (output) out.push({ output, group: r.spec.dir, producer: r });
  }
  for (const u of units) {
    const output = u.root && byRoot.get(u.root);
    if (u.root && output) out.push({ output, group: u.group, producer: u.root });
  }
  return out;
}

export const placeholder = { app: '', at: { file: '', line: 0 }, path: '.', kustomize: {}, recurse: false };

/** A planned root that rendered Applications, as the unit at the top of their target. */
export function topUnit(root: PlannedRoot, index: RepoIndex): AppUnit {
  const source = {
    ...placeholder,
    app: `render root ${root.spec.dir}`,
    at: { file: root.spec.file, line: 1 },
  };
  const reads = new Set([...root.files, ...filesUnder(index, root.dirs)]);
  return { source, appPath: root.spec.dir, group: root.spec.dir, root, plain: [], reads };
}
