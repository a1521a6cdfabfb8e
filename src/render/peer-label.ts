import type { PeerInfo } from '../report/types.js';
import { formatRangeAsCidr, type IpRange, parseCidr } from '../values/ip-range.js';

/**
 * A peer as a reviewer names it in a summary: a workload by its id, an external range as a CIDR
 * when it is one (`0.0.0.0/0`, `10.0.0.0/8`), else `first-last`. Pair lines keep the exact id.
 */
export function peerLabel(p: PeerInfo): string {
  if (p.kind !== 'external') return p.id;
  const text = p.id.replace(/\[External\]$/, '');
  const dash = text.indexOf('-');
  if (dash < 0) return text;
  try {
    const from = parseCidr(text.slice(0, dash));
    const to = parseCidr(text.slice(dash + 1));
    const range: IpRange = { family: from.family, from: from.from, to: to.to };
    return from.family === to.family ? formatRangeAsCidr(range) : text;
  } catch {
    return text;
  }
}
