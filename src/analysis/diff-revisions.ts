import { l7Causes, l7Scope } from '../diff/l7-causes.js';
import { diffMatrices } from '../diff/pair-diff.js';
import type { L7Cell } from '../l7/types.js';
import { buildReport } from '../report/build-report.js';
import type { Layer, Report } from '../report/types.js';
import type { AnalysedRevision } from './analyze-revision.js';
import { buildLayerMatrices, lensFor } from './layers.js';

export interface DiffSettings {
  readonly layer: Layer;
}

/** Builds both matrices of the layer over the same external cuts and reports what differs. Pure. */
export function diffRevisions(
  base: AnalysedRevision,
  head: AnalysedRevision,
  settings: DiffSettings,
): Report {
  const [baseMatrix, headMatrix] = buildLayerMatrices(base, head, settings.layer);
  const pairs = diffMatrices(baseMatrix, headMatrix, lensFor(settings.layer));
  const withL7 = settings.layer !== 'l4';
  return buildReport<L7Cell>({
    base: revisionInfo(base),
    head: revisionInfo(head),
    layer: settings.layer,
    pairs,
    baseWorkloads: base.model.workloads.map((w) => w.id),
    headWorkloads: head.model.workloads.map((w) => w.id),
    findings: [],
    diagnostics: [...base.diagnostics, ...head.diagnostics],
    ...(withL7
      ? {
          extraCauses: (p) => l7Causes(p.before, p.after),
          l7Scopes: (p) => ({ before: l7Scope(p.before?.l7), after: l7Scope(p.after?.l7) }),
        }
      : {}),
  });
}

function revisionInfo(r: AnalysedRevision) {
  return { label: r.label, ...(r.commit ? { commit: r.commit } : {}) };
}
