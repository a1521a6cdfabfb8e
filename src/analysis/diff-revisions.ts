import { type Config, DEFAULT_CONFIG } from '../config/types.js';
import { inStage, type StageObserver } from '../core/stages.js';
import { diffEgress, type EgressDiff } from '../diff/egress-diff.js';
import { explainPair } from '../diff/explain-pair.js';
import { exposedWorkloads, outsideSource } from '../diff/exposure.js';
import { diffIngress, type IngressDiff } from '../diff/ingress-diff.js';
import { diffMatrices, type MatrixDiff } from '../diff/pair-diff.js';
import { InputUncertainty } from '../diff/uncertainty.js';
import { settleUnchangedInput } from '../diff/unchanged-input.js';
import { computeFindings, type FindingsResult } from '../findings/index.js';
import type { L7Cell } from '../l7/types.js';
import type { AccessMatrix } from '../matrix/matrix.js';
import { L7_WORDS } from '../render/l7-scope.js';
import { buildReport } from '../report/build-report.js';
import type { Layer, Report } from '../report/types.js';
import type { AnalysedRevision } from './analyze-revision.js';
import { egressHops, ingressHops } from './ingress-hops.js';
import { buildLayerMatrices, lensFor } from './layers.js';

export interface DiffSettings {
  readonly layer: Layer;
  /** Findings settings (severity, accept, sidecar thresholds); defaults when absent. */
  readonly config?: Config;
  /** Pairs of workloads listed at most (default MAX_LISTED_PAIRS); the others are counted. */
  readonly maxListedPairs?: number;
}

/**
 * Enough for any pull request a reviewer reads pair by pair, and about what the job summary's
 * 1 MiB holds (the comment shows a few hundred rows); a change beyond it (a cluster-wide policy
 * added or removed) is summarised by counts instead of exhausting the runner's memory and time:
 * each listed pair keeps its verdict (about 13 KB with its L7 cell) and is explained and rendered,
 * which at 20,000 took half the time and most of the peak memory of such a change.
 */
export const MAX_LISTED_PAIRS = 5_000;

/**
 * Builds both matrices of the layer over the same external cuts and reports what differs. Pure.
 * The matrix, diff, findings and report stages of the pipeline; `observer` sees each.
 */
export function diffRevisions(
  base: AnalysedRevision,
  head: AnalysedRevision,
  settings: DiffSettings,
  observer?: StageObserver,
): Report {
  const matrices = inStage(
    observer,
    'matrix',
    () => buildLayerMatrices(base, head, settings.layer),
    (built) => ({ classes: built.map(classCount) }),
  );
  const cells = () => ({ cells: matrices[0].computedCells() + matrices[1].computedCells() });
  const lens = lensFor(settings.layer);
  const { diff, edges } = inStage(
    observer,
    'diff',
    () => ({
      diff: diffMatrices(matrices[0], matrices[1], lens, {
        maxPairs: settings.maxListedPairs ?? MAX_LISTED_PAIRS,
      }),
      // The mesh's edges, outside the matrices (work follows the routes and the ServiceEntries):
      // what enters through gateways, and what leaves to ServiceEntry hosts (F12).
      edges: {
        ingress: diffIngress(ingressHops(base, settings.layer), ingressHops(head, settings.layer), lens),
        egress: diffEgress(egressHops(base, settings.layer), egressHops(head, settings.layer), lens),
      },
    }),
    cells,
  );
  const found = inStage(
    observer,
    'findings',
    () => {
      // Findings look at both layers whatever the reported one: they need the effective matrices.
      const effective =
        settings.layer === 'effective' ? matrices : buildLayerMatrices(base, head, 'effective');
      return computeFindings(base, head, effective, settings.config ?? DEFAULT_CONFIG);
    },
    cells,
  );
  return inStage(observer, 'report', () => diffReport(base, head, settings.layer, diff, edges, found));
}

/** How many classes of workloads the matrix computes cells for (the benchmark prints it). */
function classCount(m: AccessMatrix<L7Cell>): number {
  return new Set(m.workloads.map((w) => m.classOf(w))).size;
}

/** The last step of diffRevisions: the report of a diff and its findings. */
function diffReport(
  base: AnalysedRevision,
  head: AnalysedRevision,
  layer: Layer,
  diff: MatrixDiff<L7Cell>,
  edges: { readonly ingress: IngressDiff; readonly egress: EgressDiff },
  found: FindingsResult,
): Report {
  const { ingress, egress } = edges;
  const pairs = [...diff.pairs, ...ingress.pairs, ...egress.pairs];
  // Only what the revisions' input says reaches pairs: the findings' own problems (a threshold
  // in the config) do not change what the matrices answer.
  const settled = settleUnchangedInput(
    base.diagnostics,
    head.diagnostics,
    pairs,
    Object.values(diff.omitted).some((n) => n > 0),
  );
  const input = new InputUncertainty([...settled.base, ...settled.head]);
  const exposed = new Set([...exposedWorkloads(base.model), ...exposedWorkloads(head.model)]);
  return buildReport<L7Cell>({
    base: revisionInfo(base),
    head: revisionInfo(head),
    layer,
    pairs,
    omitted: diff.omitted,
    baseWorkloads: base.model.workloads.map((w) => w.id),
    headWorkloads: head.model.workloads.map((w) => w.id),
    findings: found.findings,
    diagnostics: [...settled.base, ...settled.head, ...found.diagnostics],
    explain: (p) => {
      const why = explainPair(p, layer === 'l4' ? undefined : L7_WORDS, input);
      const routes = ingress.info.get(p)?.causes ?? egress.info.get(p)?.causes ?? [];
      const unsure = egress.info.get(p)?.uncertainBecause ?? [];
      if (routes.length === 0 && unsure.length === 0) return why;
      const because = [...unsure, ...(why.uncertainBecause ?? [])];
      return {
        ...why,
        causes: [...routes, ...why.causes],
        uncertain: why.uncertain || because.length > 0,
        ...(because.length > 0 ? { uncertainBecause: because } : {}),
      };
    },
    outside: (p) => outsideSource(p, exposed, (q) => ingress.info.get(q)?.outside),
    destination: (p) => egress.info.get(p)?.destination,
  });
}

function revisionInfo(r: AnalysedRevision) {
  return { label: r.label, ...(r.commit ? { commit: r.commit } : {}) };
}
