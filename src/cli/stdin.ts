import { ConfigurationError } from '../core/errors.js';
import { DEFAULT_MAX_TOTAL_BYTES } from '../git/file-limits.js';

/** As much as a repository side may hold in all: a stream is one side. */
export const MAX_STDIN_BYTES = DEFAULT_MAX_TOTAL_BYTES;

/** Reads a whole stream (stdin) as bytes; decoding is the pipeline's, as for a file on disk. */
export async function readAll(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes = MAX_STDIN_BYTES,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBytes)
      throw new ConfigurationError(`stdin holds more than ${maxBytes} bytes, the most one side may hold`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
