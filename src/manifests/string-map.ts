import type { Labels } from './types.js';

/** The plain computation: the map's entries as strings, inserted in sorted key order. */
export function copySorted(value: Readonly<Record<string, unknown>>): Labels {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) out[key] = String(value[key]);
  return out;
}

/**
 * A label-like map as strings sorted by key, `copySorted` of it: the map itself when it is that
 * already (its keys in sorted order, every value a string, which labels.ts made them at parse
 * time), so an object's labels and annotations, and a pod template's, are the body's own maps
 * instead of a copy each (bodies are read-only). A `__proto__` key, which the copy's assignment
 * drops, always copies. test/manifests/string-map.test.ts proves the two equal, key order included.
 */
export function sortedStrings(value: Readonly<Record<string, unknown>>): Labels {
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof value[key] !== 'string' || key === '__proto__' || (i > 0 && keys[i - 1]! >= key)) {
      return copySorted(value);
    }
  }
  return value as Labels;
}
