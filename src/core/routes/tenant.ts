/**
 * Tenant MFA policy (docs/tenant-policy.md): a tenant's admins require MFA of its members, see who
 * has it on, read the tenant's history and reset a member's lost authenticator. Who is a member
 * and who an admin comes from SaaSus (the `tenant` guard, src/core/middleware/tenant.ts); the
 * policy and its history live in the tenant's own object (src/core/tenant/).
 */
import { Hono } from 'hono'
import { ROUTES } from '../../shared/routes'
import { accountOf, resetMemberMfa } from '../account/gateway'
import type { AppEnv } from '../app-env'
import { stepUpCode } from '../middleware/step-up'
import {
  type MembersResponse,
  type MessageResponse,
  membersLimit,
  membersResponse,
  messageResponse,
  type PolicyResponse,
  pageCursor,
  policyRequest,
  policyResponse,
  stepUpRequest,
  type TenantEventsResponse,
  tenantEventsResponse,
} from '../schemas'
import { tenantPolicyOf } from '../tenant/gateway'
import { MEMBERS_PAGE_DEFAULT, MEMBERS_PAGE_MAX, membersPage } from '../tenant/members'
import type { MfaPolicy } from '../tenant/protocol'
import { UPSTREAM_ERRORS, upstream } from '../upstream'
import { guarded } from './route'

const {
  getTenantMfaPolicy,
  setTenantMfaPolicy,
  listTenantMfaMembers,
  getTenantMfaEvents,
  resetMemberMfa: reset,
} = ROUTES

const EXAMPLE_TENANT = '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f'
const EXAMPLE_ADMIN = 'd78e0fed-a330-45e3-91a1-86ecadc1b5ba'
const EXAMPLE_MEMBER = 'd266c5fc-6028-43cb-a86e-77c8571c3494'
const iso = (epochMs: number) => new Date(epochMs).toISOString()

const policyBody = (tenantId: string, policy: MfaPolicy): PolicyResponse => ({
  tenant_id: tenantId,
  required: policy.required,
  grace_days: policy.graceDays,
  required_since: policy.requiredSince === null ? null : iso(policy.requiredSince),
})

const POLICY_EXAMPLE = {
  tenant_id: EXAMPLE_TENANT,
  required: true,
  grace_days: 14,
  required_since: '2026-12-07T09:00:00.000Z',
}

export const tenantRoutes = new Hono<AppEnv>()
  .on(
    getTenantMfaPolicy.method,
    getTenantMfaPolicy.path,
    guarded(getTenantMfaPolicy, {
      summary: "The tenant's MFA policy (any member)",
      description: 'A tenant that never set one does not require MFA, with the default 14 grace days.',
      response: { schema: policyResponse, example: POLICY_EXAMPLE },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const tenantId = c.get('tenant').id
      return c.json(policyBody(tenantId, await tenantPolicyOf(c, tenantId).policy()))
    },
  )

  .on(
    setTenantMfaPolicy.method,
    setTenantMfaPolicy.path,
    guarded(setTenantMfaPolicy, {
      summary: "Requires MFA of the tenant's members, or stops requiring it (admins)",
      description:
        'A requirement turned on starts its grace period now; changing `grace_days` while it is on keeps the start. ' +
        'Turning a requirement off is a risky change: with `MFA_STEP_UP=required` and the admin\u2019s MFA on, it ' +
        'needs `verification_code`, a current code of the admin\u2019s authenticator. Recorded in ' +
        '`GET /tenants/{tenant_id}/mfa_events`; setting what is already set records nothing.',
      requestBody: { schema: policyRequest, example: { required: true, grace_days: 14 } },
      response: { schema: policyResponse, example: POLICY_EXAMPLE },
      errors: [
        'step_up_required',
        'step_up_unavailable',
        'invalid_verification_code',
        'too_many_attempts',
        'storage_unavailable',
        ...UPSTREAM_ERRORS,
      ],
    }),
    async (c) => {
      const { required, grace_days, verification_code } = c.req.valid('json')
      const tenant = tenantPolicyOf(c, c.get('tenant').id)
      const current = await tenant.policy()
      if (current.required && !required) {
        // Step-up, as for the caller's own risky changes: the admin's code, when their MFA is on.
        await accountOf(c).confirmStepUp(await stepUpCode(c, verification_code))
      }
      return c.json(policyBody(c.get('tenant').id, await tenant.setPolicy({ required, graceDays: grace_days })))
    },
  )

  .on(
    listTenantMfaMembers.method,
    listTenantMfaMembers.path,
    guarded(listTenantMfaMembers, {
      summary: "The tenant's members, a page at a time, with whether each has MFA on (admins)",
      description:
        'Ordered by user id. A page of n members costs 1 + n SaaSus calls (the tenant\u2019s users, then each ' +
        'member\u2019s MFA, six at a time), about half a millisecond of CPU each: on the Workers Free plan (10 ms ' +
        'of CPU a request) ask for 10 or fewer.',
      query: [
        {
          name: 'cursor',
          required: false,
          description: 'The `next_cursor` of the page before; absent for the first page',
          schema: pageCursor,
        },
        {
          name: 'limit',
          required: false,
          description: `Members per page, 1 to ${MEMBERS_PAGE_MAX} (default ${MEMBERS_PAGE_DEFAULT})`,
          schema: membersLimit,
        },
      ],
      response: {
        schema: membersResponse,
        example: {
          members: [
            { user_id: EXAMPLE_ADMIN, email: 'alice@example.com', sign_in_id: '', mfa_enabled: true },
            { user_id: EXAMPLE_MEMBER, email: 'bob@example.com', sign_in_id: '', mfa_enabled: false },
          ],
          next_cursor: null,
        },
      },
      errors: [...UPSTREAM_ERRORS],
    }),
    async (c) => {
      // Checked by the route's `query` guard against the schemas above.
      const limit = c.req.query('limit')
      const { members, nextCursor } = await membersPage(c.get('saasus'), c.get('tenant').id, {
        cursor: c.req.query('cursor'),
        limit: limit === undefined ? MEMBERS_PAGE_DEFAULT : Number(limit),
      })
      return c.json({
        members: members.map((member) => ({
          user_id: member.id,
          email: member.email,
          sign_in_id: member.sign_in_id,
          mfa_enabled: member.mfaEnabled,
        })),
        next_cursor: nextCursor,
      } satisfies MembersResponse)
    },
  )

  .on(
    getTenantMfaEvents.method,
    getTenantMfaEvents.path,
    guarded(getTenantMfaEvents, {
      summary: "The tenant's MFA history: policy changes and member resets, newest first (admins)",
      response: {
        schema: tenantEventsResponse,
        example: {
          events: [
            {
              type: 'member_mfa_reset',
              at: '2026-12-07T10:00:00.000Z',
              actor_id: EXAMPLE_ADMIN,
              target_user_id: EXAMPLE_MEMBER,
            },
            {
              type: 'mfa_policy_changed',
              at: '2026-12-07T09:00:00.000Z',
              actor_id: EXAMPLE_ADMIN,
              required: true,
              grace_days: 14,
            },
          ],
        },
      },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const events = await tenantPolicyOf(c, c.get('tenant').id).events()
      return c.json({
        events: events.map((event) => ({
          type: event.type,
          at: iso(event.at),
          actor_id: event.actorId,
          ...(event.targetUserId === undefined ? {} : { target_user_id: event.targetUserId }),
          ...(event.required === undefined ? {} : { required: event.required }),
          ...(event.graceDays === undefined ? {} : { grace_days: event.graceDays }),
        })),
      } satisfies TenantEventsResponse)
    },
  )

  .on(
    reset.method,
    reset.path,
    guarded(reset, {
      summary: "Turns a member's MFA off, for a member who lost their authenticator (admins)",
      description:
        'Deletes the member\u2019s recovery codes and the secrets this API keeps, and records `mfa_reset_by_admin` ' +
        'in the member\u2019s `/mfa_events` and `member_mfa_reset` in the tenant\u2019s. The member then sets up an ' +
        'authenticator again. An admin turns their own MFA off with `POST /mfa_disable`, and cannot reset a member ' +
        'who administers a tenant the admin does not (MFA is the user\u2019s in every tenant). With ' +
        '`MFA_STEP_UP=required` and the admin\u2019s MFA on, it needs the admin\u2019s current code.',
      requestBody: { schema: stepUpRequest, optional: true, example: {} },
      response: { schema: messageResponse, example: { message: "The member's MFA has been reset" } },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const member = c.get('member')
      await accountOf(c).confirmStepUp(c.get('stepUpCode'))
      await resetMemberMfa(c, member.id, () =>
        upstream(c.get('saasus').updateMfaPreference(member.id, { enabled: false, method: 'softwareToken' }), {
          unauthorized: 'upstream_error',
          rejected: 'upstream_error',
        }),
      )
      await tenantPolicyOf(c, c.get('tenant').id).recordMemberReset(member.id)
      return c.json({ message: "The member's MFA has been reset" } satisfies MessageResponse)
    },
  )
