import type { AccessMatrix } from '../matrix/matrix.js';
import type { Peer, WorkloadPeer } from '../model/peers.js';

/** Peers of one class in base and one class in head. */
export interface JointClass {
  readonly members: Peer[];
  /** Members present in both matrices with equal fingerprints. */
  stable: number;
  readonly inBase: boolean;
  readonly inHead: boolean;
  readonly external: boolean;
}

/**
 * Peers grouped by (class in base, class in head), workloads by id then the external ranges: all
 * pairs of two joint classes share both verdicts.
 */
export function jointClasses(base: AccessMatrix, head: AccessMatrix): JointClass[] {
  const baseIds = new Map<string, WorkloadPeer>(base.workloads.map((w) => [w.id, w]));
  const headIds = new Map<string, WorkloadPeer>(head.workloads.map((w) => [w.id, w]));
  const byKey = new Map<string, JointClass>();
  const add = (peer: Peer, key: string, inBase: boolean, inHead: boolean, stable: boolean) => {
    let group = byKey.get(key);
    if (!group) {
      group = { members: [], stable: 0, inBase, inHead, external: peer.kind === 'external' };
      byKey.set(key, group);
    }
    group.members.push(peer);
    if (stable) group.stable++;
  };
  const stable = (b: Peer | undefined, h: Peer | undefined) => {
    if (!b || !h) return false;
    const fingerprint = base.fingerprint(b);
    return fingerprint !== undefined && fingerprint === head.fingerprint(h);
  };
  const ids = [...new Set([...baseIds.keys(), ...headIds.keys()])].sort();
  for (const id of ids) {
    const b = baseIds.get(id);
    const h = headIds.get(id);
    const key = `w${b ? base.classOf(b) : '-'},${h ? head.classOf(h) : '-'}`;
    add((h ?? b)!, key, b !== undefined, h !== undefined, stable(b, h));
  }
  for (const e of head.externals) {
    add(e, `e${base.classOf(e)},${head.classOf(e)}`, true, true, stable(e, e));
  }
  return [...byKey.values()];
}
