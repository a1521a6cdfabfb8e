import { cause, change, finding, loc, report } from '../action/report-fixture.js';

/** Like the seeded M benchmark PR: 1 path opened, 6 closed, 3 fixed and ~2,300 existing findings. */
export function mSizeReport() {
  const peer = (ns: string, name: string) => ({
    id: `${ns}/${name}[Deployment]`,
    kind: 'workload' as const,
    namespace: ns,
  });
  const opened = change({ source: peer('team-7', 'client-7'), destination: peer('team-286', 'api-286') });
  const closed = Array.from({ length: 6 }, (_, i) =>
    change({
      kind: 'closed',
      source: peer(`team-${i}`, `web-${i}`),
      destination: peer(`team-${100 + i}`, `db-${i}`),
      before: 'TCP 5432',
      after: 'No Connections',
      added: '',
      removed: 'TCP 5432',
      causes: [
        cause({
          revision: 'base',
          rule: `NetworkPolicy team-${100 + i}/allow-db ingress[0]`,
          location: loc(`team-${100 + i}/np.yaml`, 9, 'base'),
        }),
      ],
    }),
  );
  const noise = (status: 'existing' | 'fixed', i: number) =>
    finding({
      status,
      severity: 'warning',
      rule: 'sidecar-port-blocked',
      title: `NetworkPolicy blocks a sidecar port (metrics or health): team-${i % 100}/app-${i}[Deployment] port 15090 from Prometheus monitoring/prometheus`,
      message: 'long explanation '.repeat(20),
      locations: [loc(`team-${i % 100}/app-${i}.yaml`, 1)],
    });
  const findings = [
    ...Array.from({ length: 3 }, (_, i) => noise('fixed', i)),
    ...Array.from({ length: 2295 }, (_, i) => noise('existing', i)),
  ];
  return report({ changes: [opened, ...closed], findings });
}
