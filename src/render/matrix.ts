import { fileLine } from '../core/location.js';
import { policyLabel, ruleLabel } from '../core/refs.js';
import type { Grant, SideVerdict } from '../l4/verdict.js';
import type { L7Cell, L7Outcome, L7Reason, L7Segment } from '../l7/types.js';
import type { AccessMatrix, CellVerdict, L7CellLike } from '../matrix/matrix.js';
import type { Peer } from '../model/peers.js';
import type { Layer } from '../report/types.js';
import { sanitize } from './escape.js';

export interface MatrixPair<C extends L7CellLike = L7CellLike> {
  readonly src: Peer;
  readonly dst: Peer;
  readonly verdict: CellVerdict<C>;
}

/** Every pair with some allowed connection at the chosen layer (workloads and external ranges). */
export function matrixPairs<C extends L7CellLike>(matrix: AccessMatrix<C>, layer: Layer): MatrixPair<C>[] {
  const out: MatrixPair<C>[] = [];
  const peers: Peer[] = [...matrix.workloads, ...matrix.externals];
  for (const src of peers) {
    for (const dst of peers) {
      if (src.id === dst.id || (src.kind === 'external' && dst.kind === 'external')) continue;
      const verdict = matrix.verdict(src, dst);
      if (!conns(verdict, layer).isEmpty()) out.push({ src, dst, verdict });
    }
  }
  return out;
}

function conns(v: CellVerdict, layer: Layer) {
  return layer === 'l4' ? v.l4.allowed : v.effective;
}

/** Human-readable matrix: each pair with its connections and the rules that allow them. */
export function renderMatrixText(matrix: AccessMatrix, layer: Layer): string {
  const lines: string[] = [];
  for (const p of matrixPairs(matrix, layer)) {
    lines.push(`${sanitize(p.src.id)} => ${sanitize(p.dst.id)} : ${conns(p.verdict, layer).toString()}`);
    lines.push(...sideLines('egress', p.verdict.l4.egress), ...sideLines('ingress', p.verdict.l4.ingress));
  }
  return lines.map((l) => `${l}\n`).join('');
}

function sideLines(direction: string, side: SideVerdict | null): string[] {
  if (!side) return [];
  const rule = (g: Grant, verb: string) =>
    `    ${direction}: ${sanitize(ruleLabel(g.rule))}${verb} [${g.conns.toString()}] (${sanitize(fileLine(g.rule.location))})`;
  // Admin tiers (SEMANTICS B) allow and deny even where no NetworkPolicy isolates the pod.
  const denials = (side.denials ?? []).map((g) => rule(g, ' denies'));
  if (side.isolatedBy.length === 0 && side.grants.length === 0 && denials.length === 0)
    return [`    ${direction}: not isolated`];
  return [...side.grants.map((g) => rule(g, '')), ...denials];
}

/** Machine-readable matrix; the shape is documented in docs/json.md. */
export function renderMatrixJson(matrix: AccessMatrix<L7Cell>, layer: Layer): string {
  const cells = matrixPairs(matrix, layer).map((p) => ({
    source: p.src.id,
    destination: p.dst.id,
    ...verdictJson(p.verdict),
  }));
  return `${JSON.stringify({ revision: matrix.revision, layer, cells }, null, 2)}\n`;
}

/** One cell's verdict as JSON (docs/json.md), shared by the per-pair and the grouped forms. */
export function verdictJson(verdict: CellVerdict<L7Cell>) {
  return {
    l4: {
      allowed: verdict.l4.allowed.toString(),
      egress: sideJson(verdict.l4.egress),
      ingress: sideJson(verdict.l4.ingress),
    },
    // Absent at the l4 layer and for external destinations (Istio enforces at the destination only).
    ...(verdict.l7 ? { l7: l7Json(verdict.l7) } : {}),
    effective: verdict.effective.toString(),
  };
}

function sideJson(side: SideVerdict | null) {
  if (!side) return null;
  return {
    isolated: side.isolatedBy.length > 0,
    isolatedBy: side.isolatedBy.map((p) => ({ policy: policyLabel(p), location: fileLine(p.location) })),
    rules: side.grants.map((g) => ({
      rule: ruleLabel(g.rule),
      location: fileLine(g.rule.location),
      allows: g.conns.toString(),
    })),
    // AdminNetworkPolicy / BaselineAdminNetworkPolicy Deny rules; absent without admin tiers.
    ...(side.denials?.length
      ? {
          denials: side.denials.map((g) => ({
            rule: ruleLabel(g.rule),
            location: fileLine(g.rule.location),
            denies: g.conns.toString(),
          })),
        }
      : {}),
    uncertainBy: side.uncertainBy.map((p) => ({ policy: policyLabel(p), location: fileLine(p.location) })),
  };
}

function l7Json(cell: L7Cell) {
  return {
    effective: cell.effective.toString(),
    conditional: cell.conditional,
    external: cell.external,
    approximate: cell.approximate,
    uncertain: cell.uncertain,
    segments: cell.segments.map(segmentJson),
  };
}

function segmentJson(s: L7Segment) {
  return {
    protocol: s.protocol,
    ports: s.ports.toString(),
    portClass: s.portClass,
    verdict: s.verdict,
    approximate: s.approximate,
    uncertain: s.uncertain,
    outcomes: s.outcomes.map(outcomeJson),
  };
}

function outcomeJson(o: L7Outcome) {
  return {
    chain: o.chain,
    verdict: o.verdict,
    // NCA's cube notation, one string per cube: `` is every request, [] is none.
    allowed: o.requests.cubeStrings(),
    rules: o.rules.map((r) => ({ rule: ruleLabel(r), location: fileLine(r.location) })),
    reasons: o.reasons.map(reasonJson),
  };
}

function reasonJson(r: L7Reason) {
  return {
    code: r.code,
    message: r.message,
    ...(r.rule ? { rule: ruleLabel(r.rule), location: fileLine(r.rule.location) } : {}),
  };
}
