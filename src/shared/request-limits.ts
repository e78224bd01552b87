/** Limits both Workers apply to a request, so that the front refuses exactly what the core would. */

// The largest body any route takes is `{"verification_code":"123456"}`; 4 KiB is ample.
export const MAX_BODY_BYTES = 4 * 1024
