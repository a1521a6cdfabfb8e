import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import type { BatchObject } from './cat-file-batch.js';

/** Where one side of the diff comes from: a revision of a git repository, or a directory on disk. */
export type RevisionInput = { kind: 'git'; repo: string; rev: string } | { kind: 'directory'; path: string };

export interface RevisionFiles {
  /** The revision as the user gave it (`main`, `HEAD~1`, a sha) or the directory path as given. */
  label: string;
  /** The resolved commit sha (git input only). */
  commit?: string;
  /** Sorted by path. */
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

export interface ReadOptions {
  include: readonly string[];
  exclude: readonly string[];
  /** Default 4 MiB. */
  maxFileBytes?: number;
  /** Default 512 MiB. */
  maxTotalBytes?: number;
  /**
   * Blobs already asked for, by sha, shared by the revisions of one run: base and head have most
   * files in common, and a blob both list is read from git once.
   */
  blobs?: BlobReads;
  /**
   * Told what will be read (bytes, files) once the listing is planned, before the contents are:
   * the pipeline starts its YAML workers then, while the reads wait on git (parse-pool.ts).
   */
  planned?: (bytes: number, files: number) => void;
}

/** Reads of blobs by sha (see ReadOptions.blobs); create one with `new Map()`. */
export type BlobReads = Map<string, Promise<BatchObject>>;
