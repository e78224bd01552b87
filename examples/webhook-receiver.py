#!/usr/bin/env python3
"""A receiver of the API's security webhooks in Python's standard library alone (docs/webhooks.md).

It checks each signature with HMAC code of its own, not the `standardwebhooks` package the API
signs with, so it is also a second, independent reading of the Standard Webhooks scheme
(e2e/webhook-receiver.test.ts runs the API against it). Binds 127.0.0.1 only.

  SECURITY_WEBHOOK_SECRET  the API's secret, whsec_... (required)
  RECEIVER_PORT            its port (default 8790)
  RECEIVER_LOG             a file it appends one JSON line to per attempt (default: none)
  RECEIVER_FAIL_SHARE      0 to 1: the share of webhook-ids whose first attempt it answers 500,
                           chosen by a hash of the id, to watch the API retry (default 0)

Answers 204 to a webhook whose signature is good (a duplicate too, acknowledged and not processed
again), 401 to one whose signature is not, and 500 to a first attempt picked to fail.

    SECURITY_WEBHOOK_SECRET=whsec_... RECEIVER_PORT=8790 python3 examples/webhook-receiver.py
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Standard Webhooks: a timestamp more than five minutes from now is refused, so that a captured
# request cannot be replayed later.
TOLERANCE_SECONDS = 5 * 60


def verify(secret, headers, body, now=None):
    """Whether `body` (the raw bytes received) carries a good signature made with `secret` (whsec_...).

    The signature is `v1,` + base64 of HMAC-SHA256, keyed with the base64-decoded secret, over
    `<webhook-id>.<webhook-timestamp>.<body>`; the header may hold several, space-separated.
    `headers` is any mapping whose `get` finds these three names.
    """
    webhook_id = headers.get("webhook-id") or ""
    timestamp = headers.get("webhook-timestamp") or ""
    signatures = headers.get("webhook-signature") or ""
    if not (webhook_id and timestamp.isascii() and timestamp.isdigit() and signatures):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        # compare_digest takes as long whatever the first differing byte: no timing oracle.
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False


def picked_to_fail(webhook_id, share):
    """Whether this id's first attempt fails: where the first 4 bytes of its SHA-256 fall in [0, 1)."""
    position = int.from_bytes(hashlib.sha256(webhook_id.encode()).digest()[:4], "big") / 2**32
    return position < share


class Receiver(BaseHTTPRequestHandler):
    secret = ""
    fail_share = 0.0
    log_path = None
    # Attempts seen per webhook-id, and the ids already processed (a real receiver keeps these
    # in its database, for a few days at least: the retries span about 21 hours).
    attempts = {}
    processed = set()
    lock = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 65_536:
            return self.answer(413)
        body = self.rfile.read(length)
        webhook_id = self.headers.get("webhook-id") or ""
        verified = verify(self.secret, self.headers, body)
        with self.lock:
            attempt = self.attempts.get(webhook_id, 0) + 1
            self.attempts[webhook_id] = attempt
            duplicate = verified and webhook_id in self.processed
            if not verified:
                status = 401
            elif attempt == 1 and picked_to_fail(webhook_id, self.fail_share):
                status = 500
            else:
                # Acknowledged; processed once, whatever number of copies arrive.
                status = 204
                self.processed.add(webhook_id)
            self.record(
                {
                    "webhook_id": webhook_id,
                    "attempt": attempt,
                    "verified": verified,
                    "answered": status,
                    "duplicate": duplicate,
                    "body": body.decode("utf-8", "replace"),
                }
            )
        self.answer(status)

    def do_GET(self):
        self.answer(405, {"Allow": "POST"})

    def answer(self, status, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def record(self, line):
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(line) + "\n")

    def log_message(self, format, *args):
        # One short line per request on stderr; never a header or a body.
        sys.stderr.write(f"webhook-receiver: {self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")


def main():
    secret = os.environ.get("SECURITY_WEBHOOK_SECRET", "")
    if not secret.startswith("whsec_"):
        sys.exit("webhook-receiver: set SECURITY_WEBHOOK_SECRET to the API's whsec_... secret")
    try:
        base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        sys.exit("webhook-receiver: SECURITY_WEBHOOK_SECRET must be whsec_ followed by base64")
    Receiver.secret = secret
    Receiver.fail_share = float(os.environ.get("RECEIVER_FAIL_SHARE") or 0)
    Receiver.log_path = os.environ.get("RECEIVER_LOG") or None
    port = int(os.environ.get("RECEIVER_PORT") or 8790)
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    sys.stderr.write(f"webhook-receiver: listening on http://127.0.0.1:{port}/\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
