#!/usr/bin/env python3
"""SMTP sink for the test/demo federation: accepts every mail on a loopback
port and writes it to a folder instead of delivering it.

  smtp_sink.py --port PORT --dir MAIL_DIR

Each mail gives two files, named <epoch ms>-<seq>-<first recipient>:
  .eml   the raw message as received,
  .json  {"from", "to": [...], "subject", "text", "html", "links": [...]}
         (decoded text parts, and every http(s) link found in them), written
         after the .eml, so a reader that sees the .json sees a complete mail.

Needs aiosmtpd (installed in the Synapse venv by tests/federation/federation.sh install).
"""
import argparse
import asyncio
import email
import email.policy
import html
import itertools
import json
import os
import re
import signal
import time

from aiosmtpd.controller import Controller

_LINK = re.compile(r"https?://[^\s\"'<>]+")
_seq = itertools.count(1)


def parse_mail(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text, htm = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype in ("text/plain", "text/html"):
            try:
                body = part.get_content()
            except (LookupError, UnicodeDecodeError):
                body = part.get_payload(decode=True).decode("utf-8", "replace")
            (text if ctype == "text/plain" else htm).append(body)
    links = []
    for body in text + [html.unescape(h) for h in htm]:
        for link in _LINK.findall(body):
            link = link.rstrip(".,;)")
            if link not in links:
                links.append(link)
    return {
        "from": str(msg.get("From", "")),
        "to": [str(a) for a in msg.get_all("To", [])],
        "subject": str(msg.get("Subject", "")),
        "text": "\n".join(text),
        "html": "\n".join(htm),
        "links": links,
    }


class Sink:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        rcpt = re.sub(r"[^A-Za-z0-9@._+-]", "_", (envelope.rcpt_tos or ["unknown"])[0])[:80]
        base = os.path.join(self.folder, "%d-%04d-%s" % (time.time() * 1000, next(_seq), rcpt))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        info = parse_mail(raw)
        info["envelope_from"] = envelope.mail_from
        info["envelope_to"] = list(envelope.rcpt_tos)
        tmp = base + ".json.tmp"
        with open(tmp, "w") as f:
            json.dump(info, f, ensure_ascii=False, indent=1)
        os.replace(tmp, base + ".json")
        return "250 OK (kept by the test SMTP sink)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    controller = Controller(Sink(a.dir), hostname=a.host, port=a.port)
    controller.start()
    print("smtp_sink: listening on %s:%d, mails to %s" % (a.host, a.port, a.dir), flush=True)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
