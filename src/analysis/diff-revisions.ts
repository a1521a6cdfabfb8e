import { type DiffLens, diffMatrices } from '../diff/pair-diff.js';
import { ConnSet } from '../l4/conn-set.js';
import { type AccessMatrix, buildMatrix } from '../matrix/matrix.js';
import { buildReport } from '../report/build-report.js';
import type { Layer, Report } from '../report/types.js';
import type { AnalysedRevision } from './analyze-revision.js';

export interface DiffSettings {
  readonly layer: Layer;
}

/** Builds both matrices over the same external cuts and reports what differs. Pure. */
export function diffRevisions(
  base: AnalysedRevision,
  head: AnalysedRevision,
  _settings: DiffSettings,
): Report {
  const [baseMatrix, headMatrix] = buildMatrices(base, head);
  const pairs = diffMatrices(baseMatrix, headMatrix, l4Lens);
  return buildReport({
    base: revisionInfo(base),
    head: revisionInfo(head),
    // Only the L3/L4 layer is computed so far: say so rather than echo the requested layer.
    layer: 'l4',
    pairs,
    baseWorkloads: base.model.workloads.map((w) => w.id),
    headWorkloads: head.model.workloads.map((w) => w.id),
    findings: [],
    diagnostics: [...base.diagnostics, ...head.diagnostics],
  });
}

export function buildMatrices(base: AnalysedRevision, head: AnalysedRevision): [AccessMatrix, AccessMatrix] {
  const boundaries = [...base.l4.ipBoundaries, ...head.l4.ipBoundaries];
  return [
    buildMatrix(base.model, base.l4, undefined, { extraIpBoundaries: boundaries }),
    buildMatrix(head.model, head.l4, undefined, { extraIpBoundaries: boundaries }),
  ];
}

const l4Lens: DiffLens = {
  conns: (v) => v?.l4.allowed ?? ConnSet.none,
  differs: (a, b) => !(a?.l4.allowed ?? ConnSet.none).equals(b?.l4.allowed ?? ConnSet.none),
};

function revisionInfo(r: AnalysedRevision) {
  return { label: r.label, ...(r.commit ? { commit: r.commit } : {}) };
}
