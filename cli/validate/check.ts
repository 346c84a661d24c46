/** One answer of `shipwatch validate --aws`: what was checked, how it went, and what to fix. */
export interface Check {
  /** `ecr checkout`, `ecs prod/checkout`, `alarm checkout-5xx`. */
  resource: string;
  /** Which service of the config needs it (several may share one resource). */
  services: string[];
  check: string;
  status: 'ok' | 'warning' | 'error';
  detail: string;
  /** What to do about a warning or an error. */
  fix?: string;
}

export const ok = (resource: string, services: string[], check: string, detail: string): Check => ({ resource, services, check, status: 'ok', detail });
export const warning = (resource: string, services: string[], check: string, detail: string, fix: string): Check => ({
  resource,
  services,
  check,
  status: 'warning',
  detail,
  fix,
});
export const error = (resource: string, services: string[], check: string, detail: string, fix: string): Check => ({
  resource,
  services,
  check,
  status: 'error',
  detail,
  fix,
});

/** An AWS call that failed for another reason than the one checked (denied, throttled, unreachable) is an error that says so. */
export function callFailed(resource: string, services: string[], check: string, e: unknown, permission: string): Check {
  const err = e as Error;
  const denied = /AccessDenied|not authorized|UnauthorizedOperation/i.test(`${err.name} ${err.message}`);
  return error(
    resource,
    services,
    check,
    `${err.name}: ${err.message}`,
    denied ? `your credentials need ${permission} (read-only) to check this` : `retry; if it persists, check the region and the network (${permission})`,
  );
}

/** The services that use each value, in config order: one check per resource, not per service. */
export function usersOf<T>(items: { service: string; value: T; key: string }[]): { key: string; value: T; services: string[] }[] {
  const byKey = new Map<string, { key: string; value: T; services: string[] }>();
  for (const item of items) {
    const entry = byKey.get(item.key) ?? { key: item.key, value: item.value, services: [] };
    if (!entry.services.includes(item.service)) entry.services.push(item.service);
    byKey.set(item.key, entry);
  }
  return [...byKey.values()];
}
