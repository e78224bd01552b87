/**
 * How a tenant's policy object is found (wrangler.core.toml `[[durable_objects.bindings]]`): one
 * per SaaSus tenant id. The id reaching here is one SaaSus listed for the caller, or a path
 * parameter checked as a lower-case UUID first (src/shared/routes.ts PATH_ID), so one tenant never
 * has two names. Kept apart from the class, which imports `cloudflare:workers`.
 */
export const tenantObject = (env: Env, tenantId: string) =>
  env.TENANT_POLICIES.get(env.TENANT_POLICIES.idFromName(tenantId))
