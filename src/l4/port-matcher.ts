import { type Issues, readElement, readList, show } from '../core/decode.js';
import { portNameError } from '../core/k8s-names.js';
import type { ObjectPath } from '../manifests/types.js';
import { type ContainerPort, PROTOCOLS, type Protocol } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { MAX_PORT, MIN_PORT, PortSet } from '../values/port-set.js';

/**
 * The `ports` of one rule. `dstPorts` are the container ports of the DESTINATION pod (the selected
 * pod for ingress, the peer for egress, A14), or `null` when the destination is not a pod (an
 * external range, a hostNetwork pod): named ports never match those.
 */
export interface PortMatcher {
  resolve(dstPorts: readonly ContainerPort[] | null): ConnSet;
  /** Port names this rule refers to (they are part of a workload's signature). */
  readonly namedPorts: readonly string[];
}

/** `ports` missing or `[]`: every port of every protocol (A7). */
const ALL_PORTS: PortMatcher = { resolve: () => ConnSet.all, namedPorts: [] };

interface NamedPort {
  readonly name: string;
  readonly protocol: Protocol;
}

/** Numeric ports are fixed at compile time; named ones resolve per destination, by name AND protocol. */
class PortList implements PortMatcher {
  readonly namedPorts: readonly string[];
  /**
   * Per destination's ports (a workload's list, never changed): a walk over every pair a rule
   * names resolved the same names again for each source (a third of an L4 cell at 50,000 workloads).
   */
  private readonly resolved = new WeakMap<readonly ContainerPort[], ConnSet>();

  constructor(
    private readonly numeric: ConnSet,
    private readonly named: readonly NamedPort[],
  ) {
    this.namedPorts = [...new Set(named.map((n) => n.name))];
  }

  resolve(dstPorts: readonly ContainerPort[] | null): ConnSet {
    if (this.named.length === 0 || dstPorts === null) return this.numeric;
    let out = this.resolved.get(dstPorts);
    if (out === undefined) {
      out = this.resolveNames(dstPorts);
      this.resolved.set(dstPorts, out);
    }
    return out;
  }

  private resolveNames(dstPorts: readonly ContainerPort[]): ConnSet {
    let out = this.numeric;
    for (const n of this.named) {
      for (const p of dstPorts) {
        // A14: same name with another protocol matches nothing.
        if (p.name === n.name && p.protocol === n.protocol) {
          out = out.union(ConnSet.of(n.protocol, PortSet.range(p.containerPort)));
        }
      }
    }
    return out;
  }
}

export function compilePorts(raw: unknown, path: ObjectPath, issues: Issues): PortMatcher {
  const list = readList(raw, path, issues);
  if (!list || list.length === 0) return ALL_PORTS;
  let numeric = ConnSet.none;
  const named: NamedPort[] = [];
  list.forEach((item, i) => {
    const entry = compilePort(item, [...path, i], issues);
    if (entry === undefined) return;
    if ('name' in entry) named.push(entry);
    else numeric = numeric.union(entry);
  });
  return new PortList(numeric, named);
}

const PORT_FIELDS = ['protocol', 'port', 'endPort'];

/** ValidateNetworkPolicyPort [K-val]; `protocol` defaults to TCP [K-def] (A13). */
function compilePort(raw: unknown, path: ObjectPath, issues: Issues): ConnSet | NamedPort | undefined {
  const entry = readElement(raw, path, issues, PORT_FIELDS);
  if (!entry) return undefined;
  const protocol = readProtocol(entry.protocol, [...path, 'protocol'], issues);
  const port = entry.port ?? undefined;
  const endPort = entry.endPort ?? undefined;
  if (typeof port === 'string') {
    const nameError = portNameError(port);
    if (nameError) issues.add([...path, 'port'], nameError);
    if (endPort !== undefined) issues.add([...path, 'endPort'], 'endPort may not be set when port is a name');
    return protocol && !nameError ? { name: port, protocol } : undefined;
  }
  if (port === undefined) {
    if (endPort !== undefined) issues.add([...path, 'endPort'], 'endPort may not be set without port');
    // A port entry without `port` matches every port of its protocol.
    return protocol && endPort === undefined ? ConnSet.of(protocol, PortSet.all) : undefined;
  }
  const from = readPortNumber(port, [...path, 'port'], issues);
  const to = endPort === undefined ? from : readPortNumber(endPort, [...path, 'endPort'], issues);
  if (from !== undefined && to !== undefined && to < from) {
    issues.add([...path, 'endPort'], `endPort ${to} must be greater than or equal to port ${from}`);
    return undefined;
  }
  if (!protocol || from === undefined || to === undefined) return undefined;
  return ConnSet.of(protocol, PortSet.range(from, to));
}

function readProtocol(raw: unknown, path: ObjectPath, issues: Issues): Protocol | undefined {
  if (raw === undefined || raw === null) return 'TCP';
  if (typeof raw === 'string' && (PROTOCOLS as readonly string[]).includes(raw)) return raw as Protocol;
  issues.add(path, `unsupported protocol ${show(raw)}: must be one of ${PROTOCOLS.join(', ')}`);
  return undefined;
}

function readPortNumber(raw: unknown, path: ObjectPath, issues: Issues): number | undefined {
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    issues.add(path, `must be an integer port number, got ${show(raw)}`);
    return undefined;
  }
  if (raw < MIN_PORT || raw > MAX_PORT) {
    issues.add(path, `port ${raw} must be between ${MIN_PORT} and ${MAX_PORT}`);
    return undefined;
  }
  return raw;
}
