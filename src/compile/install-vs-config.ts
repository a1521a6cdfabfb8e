import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { type InstallSource, sourceLabel } from './mesh-sources.js';

/** A setting's value and the source it was taken from. */
export interface Found<T> {
  readonly value: T;
  readonly source: InstallSource;
}

/** Install settings the config may state as well as the repository. */
export interface ConfigDecided {
  readonly trustDomain: Found<string> | undefined;
  readonly byDefault: Found<boolean> | undefined;
}

/**
 * The config wins over the repository's install (it describes the cluster, the repository may hold
 * another's install), so where both say and disagree, a warning: the identities (D9) and injection
 * decisions (C2) follow the config.
 */
export function configMismatches(configured: Config['mesh'], found: ConfigDecided): Diagnostic[] {
  const out: Diagnostic[] = [];
  const say = <T>(f: Found<T>, name: string, used: string) =>
    out.push({
      severity: 'warning',
      code: 'istio-mesh-install-config-mismatch',
      message: `${sourceLabel(f.source)} sets ${name} to ${JSON.stringify(f.value)}, but the analysis uses ${used}`,
      location: f.source.object.location,
    });
  const { trustDomain, byDefault } = found;
  const domains = [configured.trustDomain, ...(configured.trustDomainAliases ?? [])];
  if (trustDomain && configured.trustDomain !== undefined && !domains.includes(trustDomain.value))
    say(trustDomain, 'meshConfig.trustDomain', `config mesh.trustDomain "${configured.trustDomain}"`);
  const byDefaultConfigured = configured.enableNamespacesByDefault;
  if (byDefault && byDefaultConfigured !== undefined && byDefault.value !== byDefaultConfigured)
    say(
      byDefault,
      'sidecarInjectorWebhook.enableNamespacesByDefault',
      `config mesh.enableNamespacesByDefault ${byDefaultConfigured}`,
    );
  return out;
}
