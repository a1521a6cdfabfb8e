import {
  type Issues,
  type ObjectPath,
  readEnum,
  readInteger,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { PolicyRef } from '../core/refs.js';
import { type DestinationTls, DR_TLS_MODES, type SubsetTls, type TlsSetting } from '../l7/client-types.js';
import type { K8sObject, Labels } from '../manifests/types.js';

type Json = Readonly<Record<string, unknown>>;

// istio/api networking/v1alpha3 destination_rule.proto (TrafficPolicy, PortTrafficPolicy,
// ClientTLSSettings, WorkloadSelector): JSON names as the CRD schema lists them.
const TRAFFIC_POLICY = [
  'loadBalancer',
  'connectionPool',
  'outlierDetection',
  'tls',
  'portLevelSettings',
  'tunnel',
  'proxyProtocol',
];
const PORT_POLICY = ['port', 'loadBalancer', 'connectionPool', 'outlierDetection', 'tls'];
const CLIENT_TLS = [
  'mode',
  'clientCertificate',
  'privateKey',
  'caCertificates',
  'credentialName',
  'subjectAltNames',
  'sni',
  'insecureSkipVerify',
  'caCrl',
];
const WORKLOAD_SELECTOR = ['matchLabels'];

/**
 * The client TLS of one DestinationRule (E6, F7): top level, per port, per subset. Strict like the
 * rest of the object: an unknown field or mode makes it invalid (the API server rejects it).
 */
export function decodeDestinationTls(
  o: K8sObject,
  spec: Json,
  host: string,
  subsets: readonly { readonly name: string; readonly labels: Labels; readonly index: number }[],
  issues: Issues,
): DestinationTls {
  const ref: PolicyRef = {
    kind: 'DestinationRule',
    namespace: o.namespace,
    name: o.name,
    location: o.location,
  };
  const setting = (raw: unknown, path: ObjectPath, rule: string): TlsSetting | undefined => {
    const tls = readStruct(raw, path, issues, CLIENT_TLS);
    const mode = readEnum(tls?.mode, [...path, 'mode'], issues, DR_TLS_MODES);
    // An omitted mode is DISABLE (the proto's zero value).
    if (!tls) return undefined;
    return { mode: mode ?? 'DISABLE', rule: { policy: ref, rule, location: o.locate([...path, 'mode']) } };
  };
  // `tls` and `portLevelSettings[].tls` of one trafficPolicy (the rule's, or a subset's).
  const policyTls = (raw: unknown, path: ObjectPath, rule: string) => {
    const tp = readStruct(raw, path, issues, TRAFFIC_POLICY);
    const tls = setting(tp?.tls, [...path, 'tls'], `${rule}.tls`);
    const portTls = new Map<number, TlsSetting>();
    const portsPath = [...path, 'portLevelSettings'];
    (readStructList(tp?.portLevelSettings, portsPath, issues, PORT_POLICY) ?? []).forEach((p, i) => {
      const at = [...portsPath, i];
      const port = readStruct(p.port, [...at, 'port'], issues, ['number']);
      const number = readInteger(port?.number, [...at, 'port', 'number'], issues);
      const s = setting(p.tls, [...at, 'tls'], `${rule}.portLevelSettings[${i}].tls`);
      if (number !== undefined && s && !portTls.has(number)) portTls.set(number, s);
    });
    return { tls, portTls };
  };
  const { tls, portTls } = policyTls(spec.trafficPolicy, ['spec', 'trafficPolicy'], 'trafficPolicy');
  const subsetTls: SubsetTls[] = [];
  const rawSubsets = Array.isArray(spec.subsets) ? spec.subsets : [];
  for (const s of subsets) {
    const raw = rawSubsets[s.index] as Json | undefined;
    const path = ['spec', 'subsets', s.index, 'trafficPolicy'];
    const st = policyTls(raw?.trafficPolicy, path, `subsets[${s.index}].trafficPolicy`);
    if (st.tls || st.portTls.size > 0) subsetTls.push({ name: s.name, labels: s.labels, ...st });
  }
  const exportTo = readStringList(spec.exportTo, ['spec', 'exportTo'], issues);
  const selector = readStruct(spec.workloadSelector, ['spec', 'workloadSelector'], issues, WORKLOAD_SELECTOR);
  const labels = readStringMap(selector?.matchLabels, ['spec', 'workloadSelector', 'matchLabels'], issues);
  return {
    ref,
    host,
    namespace: o.namespace,
    exportTo: exportTo && exportTo.length > 0 ? exportTo : undefined,
    workloadSelector: labels && Object.keys(labels).length > 0 ? labels : undefined,
    tls,
    portTls,
    subsetTls,
  };
}
