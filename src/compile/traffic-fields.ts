// Known fields of the networking.istio.io v1 objects at the levels the traffic decoder reads
// (istio/api networking/v1alpha3 virtual_service.proto, destination_rule.proto; JSON names as the
// CRD schema lists them). A field not listed is unknown: the API server rejects the object.

const HTTP_ROUTE = [
  'name',
  'match',
  'route',
  'redirect',
  'directResponse',
  'delegate',
  'rewrite',
  'timeout',
  'retries',
  'fault',
  'mirror',
  'mirrors',
  'mirrorPercent',
  'mirror_percent',
  'mirrorPercentage',
  'corsPolicy',
  'headers',
];

export const VIRTUAL_SERVICE_FIELDS = {
  spec: ['hosts', 'gateways', 'http', 'tls', 'tcp', 'exportTo'],
  route: { http: HTTP_ROUTE, tcp: ['match', 'route'], tls: ['match', 'route'] },
  httpDestination: ['destination', 'weight', 'headers'],
  routeDestination: ['destination', 'weight'],
  destination: ['host', 'subset', 'port'],
  port: ['number'],
} as const;

export const DESTINATION_RULE_FIELDS = {
  spec: ['host', 'trafficPolicy', 'subsets', 'exportTo', 'workloadSelector'],
  subset: ['name', 'labels', 'trafficPolicy'],
} as const;
