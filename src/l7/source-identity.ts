import type { PolicyModel } from './authz-model.js';

/**
 * `<ns>/<sa>` of the service accounts some principal of `policies` names (`from.source.principals`,
 * `notPrincipals`, `when source.principal`); `all` when a pattern could name any.
 *
 * The source's service account reaches an AuthorizationPolicy only through its identity
 * `<td>/ns/<ns>/sa/<sa>` (D9, D11): a principal matches it only when the principal names that
 * namespace and account, or is a pattern. Namespaces (D10: a regex over the identity) never
 * read the account: the last `/` a value can reach is the one before `sa`, and an account holds no `/`.
 * A plain `*` matches every identity alike, so it names no account.
 */
export function accountsNamed(policies: Iterable<PolicyModel>): ReadonlySet<string> | 'all' {
  const accounts = new Set<string>();
  const add = (values: readonly string[] | undefined): boolean => {
    for (const v of values ?? []) {
      if (v === '*') continue;
      if (v.includes('*')) return false;
      // Only `<td>/ns/<ns>/sa/<sa>` can equal an identity.
      const parts = v.split('/');
      if (parts.length === 5 && parts[1] === 'ns' && parts[3] === 'sa')
        accounts.add(`${parts[2]}/${parts[4]}`);
    }
    return true;
  };
  for (const p of policies) {
    for (const r of p.rules) {
      for (const src of r.from ?? []) {
        if (!add(src.principals.values) || !add(src.principals.notValues)) return 'all';
      }
      for (const c of r.when) {
        if (c.key === 'source.principal' && (!add(c.values) || !add(c.notValues))) return 'all';
      }
    }
  }
  return accounts;
}

/** `account` when `named` names it (see accountsNamed), else `*`: accounts no principal names are alike. */
export function accountAsNamed(
  namespace: string,
  account: string,
  named: ReadonlySet<string> | 'all',
): string {
  return named === 'all' || named.has(`${namespace}/${account}`) ? account : '*';
}
