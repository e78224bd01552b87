/**
 * Node's types declare Web Crypto's `CryptoKey` only as a value; the Worker
 * sources some scripts run (src/core/saasus/signature.ts) use it as a type, as
 * workerd's types allow.
 */
import type { webcrypto } from 'node:crypto'

declare global {
  type CryptoKey = webcrypto.CryptoKey
}
