/** The transport protocols a Kubernetes port names; a value type, so it lives below every layer. */
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
