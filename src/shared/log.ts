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
  const line = JSON.stringify({ level: fields.status >= 500 ? 'error' : 'info', ...fields })
  if (fields.status >= 500) console.error(line)
  else if (failed || requestLog !== 'failures') console.log(line)
}
