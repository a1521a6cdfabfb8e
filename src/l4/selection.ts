import type { PolicyRef } from '../core/refs.js';
import type { Workload } from '../model/types.js';
import type { CompiledPolicy, Direction } from './netpol-compile.js';
import type { NamespaceSelection } from './peer-matcher.js';
import { type AdminSelection, NO_ADMIN } from './tiers.js';

/** The policies that select one pod, per direction (A3), and the invalid ones that might. */
export interface Selection {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
  readonly uncertain: Readonly<Record<Direction, readonly PolicyRef[]>>;
  /** The AdminNetworkPolicies and the BaselineAdminNetworkPolicy whose subject selects the pod (B). */
  readonly admin: AdminSelection;
}

/** The pods peer selectors can match (not node traffic), by namespace. */
export interface PodIndex {
  readonly byNamespace: ReadonlyMap<string, readonly Workload[]>;
  /** Position by namespace name, then model order: candidate lists come out in this order. */
  readonly order: ReadonlyMap<Workload, number>;
  /** Which of the namespaces that have such pods a namespaceSelector matches. */
  readonly namespaceLabels: NamespaceSelection;
}

export const UNSELECTED: Selection = {
  ingress: [],
  egress: [],
  uncertain: { ingress: [], egress: [] },
  admin: NO_ADMIN,
};
