import { PortSet } from './port-set.js';
import { PROTOCOLS, type Protocol } from './protocol.js';

/** Allowed L4 connections: a port set per protocol. Immutable. */
export class ConnSet {
  static readonly none = new ConnSet({ SCTP: PortSet.none, TCP: PortSet.none, UDP: PortSet.none });
  static readonly all = new ConnSet({ SCTP: PortSet.all, TCP: PortSet.all, UDP: PortSet.all });

  private constructor(private readonly byProtocol: Readonly<Record<Protocol, PortSet>>) {}

  static of(protocol: Protocol, ports: PortSet): ConnSet {
    if (ports.isEmpty()) return ConnSet.none;
    return new ConnSet({ ...ConnSet.none.byProtocol, [protocol]: ports });
  }

  static from(parts: Partial<Record<Protocol, PortSet>>): ConnSet {
    return ConnSet.canonical({ ...ConnSet.none.byProtocol, ...parts });
  }

  private static canonical(byProtocol: Record<Protocol, PortSet>): ConnSet {
    if (PROTOCOLS.every((p) => byProtocol[p].isEmpty())) return ConnSet.none;
    if (PROTOCOLS.every((p) => byProtocol[p].isAll())) return ConnSet.all;
    return new ConnSet(byProtocol);
  }

  ports(protocol: Protocol): PortSet {
    return this.byProtocol[protocol];
  }

  isEmpty(): boolean {
    return this === ConnSet.none || PROTOCOLS.every((p) => this.byProtocol[p].isEmpty());
  }

  isAll(): boolean {
    return this === ConnSet.all || PROTOCOLS.every((p) => this.byProtocol[p].isAll());
  }

  union(other: ConnSet): ConnSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return this.combine(other, (a, b) => a.union(b));
  }

  intersect(other: ConnSet): ConnSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    return this.combine(other, (a, b) => a.intersect(b));
  }

  subtract(other: ConnSet): ConnSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.combine(other, (a, b) => a.subtract(b));
  }

  overlaps(other: ConnSet): boolean {
    return !this.intersect(other).isEmpty();
  }

  equals(other: ConnSet): boolean {
    return this === other || PROTOCOLS.every((p) => this.byProtocol[p].equals(other.byProtocol[p]));
  }

  private combine(other: ConnSet, op: (a: PortSet, b: PortSet) => PortSet): ConnSet {
    return ConnSet.canonical({
      SCTP: op(this.byProtocol.SCTP, other.byProtocol.SCTP),
      TCP: op(this.byProtocol.TCP, other.byProtocol.TCP),
      UDP: op(this.byProtocol.UDP, other.byProtocol.UDP),
    });
  }

  /**
   * The netpol-analyzer / roxctl form: `All Connections`, `No Connections`, or protocols in
   * alphabetical order with their ranges, e.g. `SCTP 1-9002,TCP 80,UDP 53`.
   */
  toString(): string {
    // Immutable, and the text is a cache key of the matrix for every pair it serves: built once.
    this.text ??= this.isAll()
      ? 'All Connections'
      : this.isEmpty()
        ? 'No Connections'
        : PROTOCOLS.filter((p) => !this.byProtocol[p].isEmpty())
            .map((p) => `${p} ${this.byProtocol[p].toString()}`)
            .join(',');
    return this.text;
  }

  private text: string | undefined;
}
