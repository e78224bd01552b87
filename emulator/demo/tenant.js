// Tenant MFA policy on the demo page (docs/tenant-policy.md): for each tenant the
// signed-in user administers, the requirement and its grace days, who has MFA on
// (with a reset for a lost authenticator), and the tenant's history. Data from
// the API goes into the page as text, never HTML.
import { $, action, api, CANCELLED, say } from './page.js'
import { withStepUp } from './step-up.js'

// The API's default MFA_POLICY_ADMIN_ROLES; a deployment naming other roles lists them here.
const ADMIN_ROLES = ['admin']
// Small, so that "Load more" shows with a handful of members (the API takes 1 to 50).
const PAGE_SIZE = 5

/**
 * The signed-in user, the tenants they administer, the shown tenant's member names by id and its
 * next page. `shown` counts loads: an answer for an earlier one (another user's) is dropped.
 */
const view = { me: '', tenants: [], names: new Map(), cursor: null, shown: 0 }

const when = (iso) => new Date(iso).toLocaleString()
const time = (iso) => Object.assign(document.createElement('time'), { dateTime: iso, textContent: when(iso) })
const nameOf = (id) => view.names.get(id) ?? id
const base = () => `/tenants/${encodeURIComponent($('tenant').value)}`

const administers = (tenant) =>
  (tenant.envs ?? []).some((env) => (env.roles ?? []).some((role) => ADMIN_ROLES.includes(role.role_name)))

function row(...contents) {
  const tr = document.createElement('tr')
  for (const content of contents) {
    const cell = document.createElement('td')
    cell.append(content)
    tr.append(cell)
  }
  return tr
}

function showPolicy(policy) {
  $('require-mfa').checked = policy.required
  $('grace-days').value = String(policy.grace_days)
  const state = $('policy-state')
  if (policy.required_since === null) state.replaceChildren('MFA is not required of its members.')
  else state.replaceChildren('MFA is required of its members since ', time(policy.required_since), '.')
}

/** Whether a member has MFA on, as a cell's text that a reset turns off. */
const showMfa = (span, on) => Object.assign(span, { className: on ? 'on' : 'off', textContent: on ? 'on' : 'off' })

function memberRow(member) {
  const who = member.email || member.sign_in_id
  view.names.set(member.user_id, who)
  const self = member.user_id === view.me
  const state = showMfa(document.createElement('span'), member.mfa_enabled)
  const reset = self
    ? ''
    : Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'secondary',
        textContent: 'Reset MFA',
      })
  if (reset) reset.addEventListener('click', resetMember(member, who, state))
  const tr = row(self ? `${who} (you)` : who, state, reset)
  tr.dataset.userId = member.user_id
  return tr
}

function showMembers(page) {
  $('member-rows').append(...page.members.map(memberRow))
  view.cursor = page.next_cursor
  $('more-members').hidden = page.next_cursor === null
}

function eventRow(event) {
  const type = Object.assign(document.createElement('code'), { textContent: event.type })
  const detail =
    event.type === 'member_mfa_reset'
      ? `MFA of ${nameOf(event.target_user_id)} reset`
      : event.required
        ? `required, ${event.grace_days} grace days`
        : 'not required'
  return row(type, time(event.at), nameOf(event.actor_id), detail)
}

async function refreshHistory() {
  const { events } = await api('GET', `${base()}/mfa_events`)
  $('tenant-event-rows').replaceChildren(...events.map(eventRow))
  $('no-tenant-events').hidden = events.length > 0
}

/** Marks the view busy (`aria-busy`) while `work` runs, unless a newer load took over meanwhile. */
async function busyWhile(load, work) {
  $('tenant-panel').setAttribute('aria-busy', 'true')
  try {
    await work()
  } finally {
    if (load === view.shown) $('tenant-panel').setAttribute('aria-busy', 'false')
  }
}

/** Loads the picked tenant's policy, first page of members and history, then shows them at once. */
async function showTenant() {
  const load = ++view.shown
  await busyWhile(load, async () => {
    const [policy, page, { events }] = await Promise.all([
      api('GET', `${base()}/mfa_policy`),
      api('GET', `${base()}/mfa_members?limit=${PAGE_SIZE}`),
      api('GET', `${base()}/mfa_events`),
    ])
    if (load !== view.shown) return
    const tenant = view.tenants.find((t) => t.id === $('tenant').value)
    $('tenant-name').textContent = tenant?.name ?? ''
    showPolicy(policy)
    $('member-rows').replaceChildren()
    showMembers(page)
    $('tenant-event-rows').replaceChildren(...events.map(eventRow))
    $('no-tenant-events').hidden = events.length > 0
    $('tenant-panel').hidden = false
  })
}

/** Hides the admin view and forgets what it showed (another user signs in). */
export function hideTenants() {
  view.shown++
  view.names = new Map()
  $('tenant-panel').hidden = true
  $('member-rows').replaceChildren()
  $('tenant-event-rows').replaceChildren()
}

/** Which tenants the signed-in user administers (GET /userinfo), and the view of the picked one. */
export async function refreshTenants() {
  const load = ++view.shown
  const info = await api('GET', '/userinfo')
  if (load !== view.shown) return
  view.me = info.id
  view.names = new Map([[info.id, info.email || info.sign_in_id]])
  view.tenants = (info.tenants ?? []).filter(administers)
  const picked = $('tenant').value
  $('tenant').replaceChildren(
    ...view.tenants.map((t) => Object.assign(document.createElement('option'), { value: t.id, textContent: t.name })),
  )
  if (view.tenants.some((t) => t.id === picked)) $('tenant').value = picked
  $('tenant-picker').hidden = view.tenants.length < 2
  if (view.tenants.length === 0) hideTenants()
  else await showTenant()
}

// Turning a requirement off may need step-up (the admin's code, in the body, as /mfa_disable takes it).
const savePolicy = (afterChange) =>
  action(async () => {
    const change = { required: $('require-mfa').checked, grace_days: $('grace-days').valueAsNumber }
    const policy = await withStepUp('No longer requiring MFA', (code) =>
      api('PUT', `${base()}/mfa_policy`, { body: code ? { ...change, verification_code: code } : change }),
    )
    showPolicy(policy)
    // The admin is a member too: their own notice may change.
    await Promise.all([refreshHistory(), afterChange()])
    say(
      policy.required
        ? `MFA is required of every member, with ${policy.grace_days} grace days.`
        : 'MFA is no longer required.',
    )
  })

const resetMember = (member, who, state) =>
  action(async () => {
    if (!confirm(`Reset the MFA of ${who}? They will have to set up an authenticator again.`)) throw CANCELLED
    const { message } = await withStepUp(`Resetting the MFA of ${who}`, (code) =>
      api('POST', `${base()}/members/${encodeURIComponent(member.user_id)}/mfa_reset`, {
        body: code ? { verification_code: code } : {},
      }),
    )
    showMfa(state, false)
    await refreshHistory()
    say(message)
  })

// Disabled meanwhile: a second click would ask for the same page again.
const loadMore = action(async () => {
  const load = view.shown
  $('more-members').disabled = true
  await busyWhile(load, async () => {
    const page = await api('GET', `${base()}/mfa_members?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(view.cursor)}`)
    if (load === view.shown) showMembers(page)
  }).finally(() => {
    $('more-members').disabled = false
  })
})

/** Wires the admin view; `afterPolicyChange` refreshes the admin's own status once a policy changed. */
export function wireTenants({ afterPolicyChange }) {
  $('tenant').addEventListener('change', action(showTenant))
  $('policy-form').addEventListener('submit', savePolicy(afterPolicyChange))
  $('more-members').addEventListener('click', loadMore)
  $('refresh-tenant').addEventListener('click', action(showTenant))
}
