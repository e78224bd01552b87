/** The emulator's Hono environment: the credentials it accepts signatures from. */
export interface EmulatorEnv {
  Bindings: {
    SAASUS_SAAS_ID: string
    SAASUS_API_KEY: string
    SAASUS_SECRET_KEY: string
    /** Latency added to every Auth API call when no faults are set through /_emulator/faults. */
    EMULATOR_LATENCY_MS?: string
    /** The dialect refusals are answered in unless a trace or /_emulator/faults says otherwise (dialects.ts). */
    EMULATOR_DIALECT?: string
    /** The API the demo page (emulator/demo) calls; startStack sets it. */
    DEMO_API_URL?: string
  }
}
