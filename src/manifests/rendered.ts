import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { DocumentOrigin, K8sObject, ObjectPath } from './types.js';

/**
 * Rendered text (kustomize, helm output) has no lines a reviewer could open: every object and
 * diagnostic of a rendered document is moved to where the document came from.
 */
export function relocateRendered(
  objects: K8sObject[],
  diagnostics: Diagnostic[],
  origin: DocumentOrigin,
  revision: string,
  root: string,
): void {
  const at = (file: string, line: number): SourceLocation => ({ revision, file, line, column: 1 });
  const location = at(origin.file, origin.line);
  const locate = (path: ObjectPath): SourceLocation => {
    const found = origin.locate?.(path);
    return found ? at(found.file, found.line) : location;
  };
  objects.forEach((obj, index) => {
    const source = origin.sourceNamespace;
    const rendered = { root, ...(source !== undefined ? { sourceNamespace: source } : {}) };
    objects[index] = { ...obj, location, locate, rendered };
  });
  diagnostics.forEach((d, index) => {
    diagnostics[index] = { ...d, location };
  });
}
