/**
 * Defers loading an adapter's module (and its SDKs) until a method is first called, so the CLI
 * starts fast and a run pays only for the backends it uses. Every method must be async.
 */
export function lazy<T extends object>(opts: { load: () => Promise<T>; describe: string }): T {
  let loaded: Promise<T> | undefined;
  const get = () => (loaded ??= opts.load());
  return new Proxy({} as T, {
    get(_target, prop) {
      if (prop === 'describe') return () => opts.describe;
      if (prop === 'then') return undefined; // not a thenable
      return async (...args: unknown[]) => {
        const impl = (await get()) as Record<PropertyKey, unknown>;
        const fn = impl[prop];
        if (typeof fn !== 'function') throw new TypeError(`adapter method ${String(prop)} does not exist`);
        return (fn as (...a: unknown[]) => unknown).apply(impl, args);
      };
    },
  });
}
