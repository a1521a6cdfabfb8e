import { contentDigest } from '../l4/policy-index.js';
import type { Service } from '../model/types.js';

const serviceDigests = new WeakMap<Service, string>();

/** A Service's content, digested once (fingerprints of every workload it selects read it). */
export function serviceDigest(svc: Service): string {
  let digest = serviceDigests.get(svc);
  if (digest === undefined) {
    digest = contentDigest(svc.object);
    serviceDigests.set(svc, digest);
  }
  return digest;
}
