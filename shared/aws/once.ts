/** A value made on first use and kept for the container's life (AWS clients: one per container). */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
