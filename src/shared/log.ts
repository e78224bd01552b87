/**
 * The request log line both Workers write, one JSON object per request: `error` level for a
 * server error, `info` otherwise. With REQUEST_LOG=failures only the lines of failed requests
 * are kept; without settings (a misconfigured Worker), every line is.
 */

export interface RequestLine {
  event: string
  requestId: string
  status: number
  [field: string]: unknown
}

export function logRequest(
  fields: RequestLine,
  { failed, requestLog }: { failed: boolean; requestLog: 'all' | 'failures' | undefined },
): void {
  if (fields.status >= 500) console.error(JSON.stringify({ level: 'error', ...fields }))
  else if (failed || requestLog !== 'failures') console.log(JSON.stringify({ level: 'info', ...fields }))
}
