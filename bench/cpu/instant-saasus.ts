/**
 * SaaSus answered instantly, for the CPU micro-benchmark: canned answers of the
 * right shape, no signature check, no state. Whatever time a request takes
 * against it is the API's own work (plus one in-process hop per call).
 */
const USER = {
  email: 'alice@example.com',
  sign_in_id: '',
  user_attribute: {},
  tenants: [],
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

export default {
  async fetch(request) {
    await request.arrayBuffer() // read the body, as a server does, before answering
    const { pathname } = new URL(request.url)
    // A new user id each time: the per-user limits on setup and verify (5–10 a minute) are
    // still consulted on every request, but never answer 429 in place of the route.
    if (pathname.endsWith('/userinfo')) return json({ ...USER, id: crypto.randomUUID() })
    if (pathname.endsWith('/mfa/preference'))
      return request.method === 'GET' ? json({ enabled: false }) : new Response(null)
    if (pathname.endsWith('/secret-code')) return json({ secret_code: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }, 201)
    if (pathname.endsWith('/software-token')) return new Response(null)
    return json({ type: 'not_found', message: 'not in the stub' }, 404)
  },
} satisfies ExportedHandler
