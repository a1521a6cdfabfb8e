import type { RuleRef } from '../core/refs.js';
import { type EvalContext, evalRule, type RuleMode, type RuleResult } from './authz-eval.js';
import type { PolicyModel, RuleModel } from './authz-model.js';
import { CondSet } from './cond-set.js';
import type { MeshSettings } from './mesh-config.js';
import { RequestSet } from './request-set.js';
import type { L7Outcome, L7Reason, L7Verdict } from './types.js';

/** The enforced policies that apply to one destination workload, by action (AUDIT and dry-run left out: D4, D5). */
export interface AppliedPolicies {
  readonly custom: readonly PolicyModel[];
  readonly deny: readonly PolicyModel[];
  readonly allow: readonly PolicyModel[];
}

interface Evaluated {
  readonly rule: RuleModel;
  readonly result: RuleResult;
}

export interface Authorization {
  readonly outcome: L7Outcome;
  readonly approximate: boolean;
}

const EXT_ATOM = (provider: string) => `external authorizer "${provider}" allows`;

/** D5: CUSTOM → DENY → ALLOW for one connection context on one chain. */
export function authorize(applied: AppliedPolicies, ctx: EvalContext, mesh: MeshSettings): Authorization {
  const reasons: L7Reason[] = [];
  const refs: RuleRef[] = [];
  const allow = evalPolicies(applied.allow, 'allow', ctx, reasons);
  const deny = evalPolicies(applied.deny, 'deny', ctx, reasons);
  const custom = evalPolicies(applied.custom, 'deny', ctx, reasons);
  const allowSet = applied.allow.length === 0 ? RequestSet.all : union(allow);
  const afterDeny = allowSet.subtract(union(deny));
  const allowed = applyCustom(afterDeny, applied.custom, custom, ctx, mesh, reasons);

  for (const e of deny) if (!e.result.requests.intersect(allowSet).isEmpty()) refs.push(e.rule.ref);
  for (const e of custom) if (!e.result.requests.intersect(afterDeny).isEmpty()) refs.push(e.rule.ref);
  for (const e of allow) if (!e.result.requests.intersect(allowed).isEmpty()) refs.push(e.rule.ref);
  explain(applied, allow, deny, allowSet, reasons);
  const approximate = [...allow, ...deny, ...custom].some((e) => e.result.approximate);
  if (approximate) {
    reasons.push({
      code: 'approximate',
      message: 'a path template or too many runtime conditions were widened toward allowing',
    });
  }
  return {
    outcome: { chain: ctx.chain, verdict: verdictOf(allowed), requests: allowed, rules: refs, reasons },
    approximate,
  };
}

/**
 * Whether `authorize` lets some request through (its verdict is not `none`). Without DENY or
 * CUSTOM policies that is whether some ALLOW rule matches something, answered without the set
 * algebra and the explanation; otherwise `authorize` decides.
 */
export function letsSomethingThrough(
  applied: AppliedPolicies,
  ctx: EvalContext,
  mesh: MeshSettings,
): boolean {
  if (applied.deny.length > 0 || applied.custom.length > 0) {
    return !authorize(applied, ctx, mesh).outcome.requests.isEmpty();
  }
  if (applied.allow.length === 0) return true;
  return applied.allow.some((p) =>
    p.rules.some((rule) => !rule.invalid && !evalRule(rule, 'allow', ctx).requests.isEmpty()),
  );
}

function union(list: readonly Evaluated[]): RequestSet {
  return list.reduce((acc, e) => acc.union(e.result.requests), RequestSet.none);
}

function evalPolicies(
  policies: readonly PolicyModel[],
  mode: RuleMode,
  ctx: EvalContext,
  reasons: L7Reason[],
): Evaluated[] {
  const out: Evaluated[] = [];
  for (const p of policies) {
    for (const rule of p.rules) {
      if (rule.invalid) {
        // D22: istiod skips an invalid rule whatever the action; for DENY that fails open.
        reasons.push({
          code: 'invalid-rule-skipped',
          message: 'invalid rule skipped by istiod (admission would reject the whole policy)',
          rule: rule.ref,
        });
        continue;
      }
      const result = evalRule(rule, mode, ctx);
      if (result.dropped) {
        reasons.push({
          code: 'http-rule-dropped-on-tcp',
          message: 'ALLOW rule with HTTP-only attributes is dropped on a TCP filter chain (D17)',
          rule: rule.ref,
        });
      } else if (result.widened && !result.requests.isEmpty()) {
        reasons.push({
          code: 'http-constraints-removed-on-tcp',
          message: `${p.action} rule's HTTP-only attributes are removed on a TCP filter chain, so it matches more (D17)`,
          rule: rule.ref,
        });
      }
      out.push({ rule, result });
    }
  }
  return out;
}

/** D5.1, D17, D22: the external authorizer decides what the CUSTOM rules match. */
function applyCustom(
  allowed: RequestSet,
  policies: readonly PolicyModel[],
  evaluated: readonly Evaluated[],
  ctx: EvalContext,
  mesh: MeshSettings,
  reasons: L7Reason[],
): RequestSet {
  const providers = [...new Set(policies.map((p) => p.provider ?? ''))].sort();
  if (providers.length === 0) return allowed;
  const matched = (provider: string | undefined) =>
    union(
      evaluated.filter(
        (e) =>
          policies.find((p) => p.ref === e.rule.ref.policy)?.provider === provider || provider === undefined,
      ),
    );
  if (providers.length > 1) {
    reasons.push({
      code: 'custom-multiple-providers',
      message: `several CUSTOM providers (${providers.join(', ')}) for one workload: istiod denies what their rules match (D22)`,
    });
    return allowed.subtract(matched(undefined));
  }
  const provider = providers[0]!;
  const kind = mesh.providers?.get(provider);
  if (mesh.providers && !kind) {
    reasons.push({
      code: 'custom-provider-missing',
      message: `extension provider "${provider}" is not in meshConfig.extensionProviders: matching requests are denied (D22)`,
    });
    return allowed.subtract(matched(provider));
  }
  if (kind === 'http' && ctx.chain === 'tcp') {
    reasons.push({
      code: 'custom-http-provider-on-tcp',
      message: `HTTP-only provider "${provider}" is not applied on TCP filter chains (D17)`,
    });
    return allowed;
  }
  const trigger = matched(provider);
  const ext = RequestSet.when(CondSet.atom(EXT_ATOM(provider)));
  if (!trigger.intersect(allowed).isEmpty()) {
    reasons.push({
      code: 'custom-external',
      message: `external authorizer "${provider}" decides requests matching the CUSTOM rules (D5)`,
    });
  }
  return allowed.subtract(trigger).union(allowed.intersect(trigger).intersect(ext));
}

function explain(
  applied: AppliedPolicies,
  allow: readonly Evaluated[],
  deny: readonly Evaluated[],
  allowSet: RequestSet,
  reasons: L7Reason[],
): void {
  const none = applied.allow.length + applied.deny.length + applied.custom.length === 0;
  if (none)
    reasons.push({
      code: 'no-authorization-policy',
      message: 'no enforced AuthorizationPolicy applies: everything is allowed (D5.3)',
    });
  for (const p of applied.allow) {
    if (p.rules.length === 0) {
      reasons.push({
        code: 'allow-nothing',
        message: 'ALLOW policy without rules matches nothing (D7)',
        rule: { policy: p.ref, rule: '', location: p.ref.location },
      });
    }
  }
  if (applied.allow.length > 0 && allow.every((e) => e.result.requests.isEmpty())) {
    reasons.push({
      code: 'no-allow-rule-matches',
      message: 'ALLOW policies apply but no ALLOW rule matches: denied (D5.4)',
    });
  }
  for (const e of deny) {
    if (!e.result.requests.intersect(allowSet).isEmpty()) {
      reasons.push({
        code: 'denied-by-rule',
        message: `DENY rule matches ${e.result.requests.toString()}`,
        rule: e.rule.ref,
      });
    }
  }
}

export function verdictOf(requests: RequestSet): L7Verdict {
  if (requests.isEmpty()) return 'none';
  if (requests.isAll()) return 'all';
  if (requests.conditionAtoms().some((a) => a.startsWith('external authorizer '))) return 'external';
  return requests.isConditional() ? 'conditional' : 'some';
}
