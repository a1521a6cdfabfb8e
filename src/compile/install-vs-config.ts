import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { type InstallSource, sourceLabel } from './mesh-sources.js';

/** A setting's value and the source it was taken from. */
export interface Found<T> {
  readonly value: T;
  readonly source: InstallSource;
}

/** Install settings the analysis takes from the config (or assumes) rather than from the repository. */
export interface ConfigDecided {
  readonly trustDomain: Found<string> | undefined;
  readonly policy: Found<string> | undefined;
  readonly byDefault: Found<boolean> | undefined;
}

/**
 * Where the repository's install says something else than what the analysis uses, a warning: the
 * identities (D9) and injection decisions (C2, C4) follow the config, so the answers may be wrong.
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
  const { trustDomain, policy, byDefault } = found;
  const domains = [configured.trustDomain, ...configured.trustDomainAliases];
  if (trustDomain && !domains.includes(trustDomain.value))
    say(
      trustDomain,
      'meshConfig.trustDomain',
      `config mesh.trustDomain "${configured.trustDomain}" (set it to match)`,
    );
  if (policy && policy.value !== 'enabled')
    say(policy, 'global.proxy.autoInject', 'the injector policy enabled (rule C4)');
  if (byDefault && byDefault.value !== configured.enableNamespacesByDefault)
    say(
      byDefault,
      'sidecarInjectorWebhook.enableNamespacesByDefault',
      `config mesh.enableNamespacesByDefault ${configured.enableNamespacesByDefault} (set it to match)`,
    );
  return out;
}
