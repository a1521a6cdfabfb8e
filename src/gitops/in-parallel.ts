/**
 * Roots rendered at a time: kustomize and helm are processes of their own, so two keep both cores
 * of a GitHub-hosted runner busy while this process waits; more would only contend for them.
 */
export const RENDER_CONCURRENCY = 2;

/** `run` over the items, at most `limit` at once; results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
