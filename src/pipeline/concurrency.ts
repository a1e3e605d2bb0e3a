/** Bounded concurrency for the run's stages: at most `limit` tasks in flight. */

/** Runs `task` over `items`, at most `limit` at a time, in order of start. */
export async function eachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
