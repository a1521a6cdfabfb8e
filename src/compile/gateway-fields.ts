// Known fields of the networking.istio.io Gateway and of the parts of a VirtualService that only the
// gateway decoder reads (istio/api networking/v1alpha3 gateway.proto, virtual_service.proto; JSON
// names as the CRD schema lists them). A field not listed is unknown: the API server rejects the object.

export const GATEWAY_FIELDS = {
  spec: ['servers', 'selector'],
  server: ['port', 'bind', 'hosts', 'tls', 'defaultEndpoint', 'name'],
  port: ['number', 'protocol', 'name', 'targetPort'],
  tls: [
    'httpsRedirect',
    'mode',
    'serverCertificate',
    'privateKey',
    'caCertificates',
    'caCrl',
    'credentialName',
    'credentialNames',
    'tlsCertificates',
    'subjectAltNames',
    'verifyCertificateSpki',
    'verifyCertificateHash',
    'minProtocolVersion',
    'maxProtocolVersion',
    'cipherSuites',
  ],
} as const;

export const GATEWAY_ROUTE_FIELDS = {
  httpMatch: [
    'name',
    'uri',
    'scheme',
    'method',
    'authority',
    'headers',
    'port',
    'sourceLabels',
    'gateways',
    'queryParams',
    'ignoreUriCase',
    'withoutHeaders',
    'sourceNamespace',
    'statPrefix',
  ],
  stringMatch: ['exact', 'prefix', 'regex'],
  l4Match: ['destinationSubnets', 'port', 'sourceLabels', 'gateways', 'sourceNamespace'],
  tlsMatch: ['sniHosts', 'destinationSubnets', 'port', 'sourceLabels', 'gateways', 'sourceNamespace'],
  rewrite: ['uri', 'authority', 'uriRegexRewrite'],
  fault: ['delay', 'abort'],
  abort: ['httpStatus', 'grpcStatus', 'http2Error', 'percentage'],
  percentage: ['value'],
} as const;
