/**
 * The emulator refuses an ID token once its `exp` has passed, as SaaSus does,
 * from the expiry it kept when it issued the token (it reads nothing back from
 * the token). Asked directly: the API would refuse such a token before calling.
 */
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/core/config'
import { createSaasusClient } from '../../src/core/saasus/client'
import { SaasusError } from '../../src/core/saasus/failure'
import { EMULATOR_CREDENTIALS } from '../support/bindings'
import { freshUser } from '../support/harness'

const saasus = createSaasusClient(parseConfig({ ...EMULATOR_CREDENTIALS }).saasus)
const userWithIdTokenFor = (seconds: number) => freshUser({ id_token_lifetime_seconds: seconds })

describe("the emulator's /userinfo", () => {
  it('answers for an ID token within its lifetime', async () => {
    const user = await userWithIdTokenFor(60)
    expect((await saasus.getUserInfo(user.id_token)).id).toBe(user.id)
  })

  it('refuses the same kind of token once its lifetime is over', async () => {
    const user = await userWithIdTokenFor(1)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const error = await saasus.getUserInfo(user.id_token).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SaasusError)
    expect((error as SaasusError).kind).toBe('unauthorized')
  })
})
