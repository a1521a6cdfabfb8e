import {
  type Issues,
  isRecord,
  readInteger,
  readList,
  readString,
  readStruct,
  show,
} from '../core/decode.js';
import type { ObjectPath } from '../manifests/types.js';
import { type ContainerPort, PROTOCOLS, type Protocol } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { MAX_PORT, MIN_PORT, PortSet } from '../values/port-set.js';
import type { PortMatcher } from './port-matcher.js';

/**
 * The `ports` of an admin rule (NPA AdminNetworkPolicyPort): each entry is exactly one of
 * `portNumber` {protocol (default TCP), port}, `portRange` {protocol, start, end} (inclusive) or
 * `namedPort`. Missing: every port. A named port resolves against the destination pod's container
 * ports by name, with the container port's protocol; on a non-pod destination it matches nothing.
 */
class AdminPorts implements PortMatcher {
  readonly namedPorts: readonly string[];
  constructor(
    private readonly numeric: ConnSet,
    named: readonly string[],
  ) {
    this.namedPorts = [...new Set(named)];
  }

  resolve(dstPorts: readonly ContainerPort[] | null): ConnSet {
    if (this.namedPorts.length === 0 || dstPorts === null) return this.numeric;
    let out = this.numeric;
    for (const p of dstPorts) {
      if (p.name !== undefined && this.namedPorts.includes(p.name))
        out = out.union(ConnSet.of(p.protocol, PortSet.range(p.containerPort)));
    }
    return out;
  }
}

const ALL: PortMatcher = { resolve: () => ConnSet.all, namedPorts: [] };
const MAX_ENTRIES = 100;

export function compileAdminPorts(raw: unknown, path: ObjectPath, issues: Issues): PortMatcher {
  const list = readList(raw, path, issues);
  if (list === undefined) return ALL;
  if (list.length === 0) issues.add(path, 'ports must list at least one port when set');
  if (list.length > MAX_ENTRIES) issues.add(path, `may not list more than ${MAX_ENTRIES} ports`);
  let numeric = ConnSet.none;
  const named: string[] = [];
  list.forEach((item, i) => {
    const p = [...path, i];
    if (!isRecord(item)) {
      issues.add(p, 'a port must be an object with exactly one of portNumber, portRange, namedPort');
      return;
    }
    const entry = readStruct(item, p, issues, ['portNumber', 'portRange', 'namedPort'])!;
    const fields = Object.keys(entry).filter((k) => entry[k] !== undefined && entry[k] !== null);
    if (fields.length !== 1) {
      issues.add(p, 'exactly one of portNumber, portRange, namedPort must be set');
      return;
    }
    if (entry.namedPort !== undefined && entry.namedPort !== null) {
      const name = readString(entry.namedPort, [...p, 'namedPort'], issues);
      if (name) named.push(name);
      else if (name === '') issues.add([...p, 'namedPort'], 'namedPort may not be empty');
    } else if (entry.portNumber !== undefined) {
      const n = readStruct(entry.portNumber, [...p, 'portNumber'], issues, ['protocol', 'port']);
      const protocol = readProtocol(n?.protocol, [...p, 'portNumber', 'protocol'], issues);
      const port = readPort(n?.port, [...p, 'portNumber', 'port'], issues);
      if (protocol && port !== undefined) numeric = numeric.union(ConnSet.of(protocol, PortSet.range(port)));
    } else {
      const r = readStruct(entry.portRange, [...p, 'portRange'], issues, ['protocol', 'start', 'end']);
      const protocol = readProtocol(r?.protocol, [...p, 'portRange', 'protocol'], issues);
      const start = readPort(r?.start, [...p, 'portRange', 'start'], issues);
      const end = readPort(r?.end, [...p, 'portRange', 'end'], issues);
      if (start !== undefined && end !== undefined && end < start) {
        issues.add([...p, 'portRange', 'end'], `end ${end} must be greater than or equal to start ${start}`);
      } else if (protocol && start !== undefined && end !== undefined) {
        numeric = numeric.union(ConnSet.of(protocol, PortSet.range(start, end)));
      }
    }
  });
  return new AdminPorts(numeric, named);
}

function readProtocol(raw: unknown, path: ObjectPath, issues: Issues): Protocol | undefined {
  if (raw === undefined || raw === null) return 'TCP';
  if (typeof raw === 'string' && (PROTOCOLS as readonly string[]).includes(raw)) return raw as Protocol;
  issues.add(path, `unsupported protocol ${show(raw)}: must be one of ${PROTOCOLS.join(', ')}`);
  return undefined;
}

function readPort(raw: unknown, path: ObjectPath, issues: Issues): number | undefined {
  if (raw === undefined || raw === null) {
    issues.add(path, 'is required');
    return undefined;
  }
  const n = readInteger(raw, path, issues);
  if (n === undefined) return undefined;
  if (n < MIN_PORT || n > MAX_PORT) {
    issues.add(path, `port ${n} must be between ${MIN_PORT} and ${MAX_PORT}`);
    return undefined;
  }
  return n;
}
