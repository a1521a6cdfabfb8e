import type { Workload } from '../model/types.js';
import type { IpRange } from '../values/ip-range.js';
import { identityMatchesNamespaces, identityMatchesPrincipals } from './authz-eval.js';
import type { PolicyModel } from './authz-model.js';
import { type IdentityRead, identityRead, sourceIpBlocks } from './source-identity.js';

/** The AuthorizationPolicies applied to a destination, by action (DestInfo.applied). */
interface Applied {
  readonly allow: readonly PolicyModel[];
  readonly deny: readonly PolicyModel[];
  readonly custom: readonly PolicyModel[];
}

/** What a destination's policies tell sources apart by (L7Engine.sourceNamesRead). */
export interface NamesRead {
  /** Sources in these namespaces may be told apart by namespace and account. */
  readonly namespaces: ReadonlySet<string>;
  /** The pattern values read, numbered (0: none): equal numbers, equal patterns. */
  readonly patterns: number;
  /** Whether a source in `namespaces` is told apart by its account too (identityKey's rule). */
  namesAccount(src: Workload): boolean;
}

/**
 * What a destination's applied AuthorizationPolicies read of a source, memoised per destination:
 * its identity (L7Engine.sourceKey) and the blocks it matches `source.ip` with (externalKey).
 */
export class SourceReads {
  private readonly identities = new Map<string, IdentityRead>();
  private readonly names = new Map<string, NamesRead>();
  private readonly blocks = new Map<string, readonly IpRange[]>();
  private readonly patternIds = new Map<string, number>([['[[],[]]', 0]]);
  private readonly patternLists: (readonly [readonly string[], readonly string[]])[] = [[[], []]];
  private readonly keys = new Map<string, number>();
  private readonly keyOf: Map<string, number>[] = [];

  private readonly applied: (dst: Workload) => readonly PolicyModel[];

  constructor(applied: (dst: Workload) => Applied) {
    this.applied = (dst) => {
      const a = applied(dst);
      return [...a.allow, ...a.deny, ...a.custom];
    };
  }

  identity(dst: Workload): IdentityRead {
    let found = this.identities.get(dst.id);
    if (!found) {
      found = identityRead(this.applied(dst));
      this.identities.set(dst.id, found);
    }
    return found;
  }

  ipBlocks(dst: Workload): readonly IpRange[] {
    let found = this.blocks.get(dst.id);
    if (!found) {
      found = sourceIpBlocks(this.applied(dst));
      this.blocks.set(dst.id, found);
    }
    return found;
  }

  /**
   * Outside `namespaces`, a source's identity reads as `*` and `*` (identityKey: the named
   * accounts' namespaces are among them) followed by which patterns match it: so its sourceKey is
   * its client key and those bits alone (groupKey). Inside, an account not named reads as `*`:
   * the namespace joins them.
   */
  namesRead(dst: Workload): NamesRead {
    let found = this.names.get(dst.id);
    if (!found) {
      const read = this.identity(dst);
      const lists = [read.principalPatterns, read.namespacePatterns] as const;
      const text = JSON.stringify(lists);
      let patterns = this.patternIds.get(text);
      if (patterns === undefined) {
        patterns = this.patternLists.length;
        this.patternIds.set(text, patterns);
        this.patternLists.push(lists);
      }
      const accounts = read.accounts;
      const namesAccount = (src: Workload) =>
        accounts.has(`${src.namespace}/${src.serviceAccountName || 'default'}`);
      found = { namespaces: read.namespaces, patterns, namesAccount };
      this.names.set(dst.id, found);
    }
    return found;
  }

  /**
   * A number per (client key, pattern bits) for the patterns numbered `patterns`: two sources
   * outside a destination's named namespaces with equal numbers have equal source keys for it.
   * With `inNamed`, per (client key, namespace, pattern bits): the same for two sources in its
   * named namespaces whose accounts it does not name. The client keys themselves serve where no
   * pattern is read outside; every other number is negative, so the two never meet.
   */
  groupKey(
    src: Workload,
    patterns: number,
    client: number,
    identity: string,
    trustDomains: readonly string[],
    inNamed = false,
  ): number {
    if (patterns === 0 && !inNamed) return client;
    const slot = patterns * 2 + (inNamed ? 1 : 0);
    this.keyOf[slot] ??= new Map();
    const memo = this.keyOf[slot]!;
    let key = memo.get(src.id);
    if (key === undefined) {
      const [principals, namespaces] = this.patternLists[patterns]!;
      const bits = (values: readonly string[], test: (v: string) => boolean) =>
        values.map((v) => (test(v) ? '1' : '0')).join('');
      const text = `${patterns}/${client}/${inNamed ? src.namespace : '*'}/${bits(principals, (v) => identityMatchesPrincipals([v], identity, trustDomains))}/${bits(namespaces, (v) => identityMatchesNamespaces([v], identity))}`;
      key = this.keys.get(text);
      if (key === undefined) {
        key = -1 - this.keys.size;
        this.keys.set(text, key);
      }
      memo.set(src.id, key);
    }
    return key;
  }
}
