/**
 * A per-container value built on first use. A failed build (a secret not readable yet, a throttled call) is
 * not cached: the next request tries again instead of the container failing until it is recycled.
 */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    if (!value) {
      const building = build();
      value = building;
      building.catch(() => {
        if (value === building) value = undefined;
      });
    }
    return value;
  };
}
