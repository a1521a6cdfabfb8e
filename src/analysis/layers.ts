import type { DiffLens } from '../diff/pair-diff.js';
import { l7Scope, scopesDiffer } from '../explain/l7-scope.js';
import type { L4Engine } from '../l4/engine-api.js';
import type { SideVerdict } from '../l4/verdict.js';
import type { L7Cell } from '../l7/types.js';
import { type AccessMatrix, buildMatrix } from '../matrix/matrix.js';
import type { Layer } from '../report/types.js';
import { ConnSet } from '../values/conn-set.js';
import type { AnalysedRevision } from './analyze-revision.js';
import { layerBoundaries, matrixLayer } from './external-layer.js';

const OPEN_SIDE: SideVerdict = { isolatedBy: [], grants: [], uncertainBy: [], allowed: ConnSet.all };

/** The L4 engine with NetworkPolicy switched off: the `l7` layer shows what Istio alone allows. */
function openL4(l4: L4Engine): L4Engine {
  return {
    diagnostics: [],
    ipBoundaries: l4.ipBoundaries,
    signature: () => '',
    // NetworkPolicy plays no part in this layer, so it never distinguishes a workload across revisions.
    fingerprint: () => '',
    egress: () => OPEN_SIDE,
    ingress: () => OPEN_SIDE,
  };
}

/**
 * Builds both matrices for a layer over the same external cuts (every ipBlock of both revisions,
 * NetworkPolicy and AuthorizationPolicy alike), so their external peers line up for the diff.
 */
export function buildLayerMatrices(
  base: AnalysedRevision,
  head: AnalysedRevision,
  layer: Layer,
): [AccessMatrix<L7Cell>, AccessMatrix<L7Cell>] {
  const boundaries = [base, head].flatMap((r) => [
    ...r.l4.ipBoundaries,
    ...(layer === 'l4' ? [] : [...r.l7.ipBoundaries, ...layerBoundaries(r)]),
  ]);
  const build = (r: AnalysedRevision) =>
    buildMatrix<L7Cell>(
      r.model,
      layer === 'l7' ? openL4(r.l4) : r.l4,
      layer === 'l4' ? undefined : matrixLayer(r),
      {
        extraIpBoundaries: boundaries,
      },
    );
  return [build(base), build(head)];
}

/** What the diff compares: the L4 connections, or the effective ones plus the L7 request scopes. */
export function lensFor(layer: Layer): DiffLens<L7Cell> {
  if (layer === 'l4') {
    return {
      conns: (v) => v?.l4.allowed ?? ConnSet.none,
      differs: (a, b) => !(a?.l4.allowed ?? ConnSet.none).equals(b?.l4.allowed ?? ConnSet.none),
    };
  }
  return {
    conns: (v) => v?.effective ?? ConnSet.none,
    // The same decision the report makes about printing the scopes (explain/l7-scope.ts).
    differs: (a, b) =>
      !(a?.effective ?? ConnSet.none).equals(b?.effective ?? ConnSet.none) ||
      scopesDiffer(l7Scope(a?.l7), l7Scope(b?.l7)),
  };
}
