#!/usr/bin/env python3
"""A real SMTP server for Lentera's tests, on aiosmtpd (Debian: python3-aiosmtpd).

Every message it accepts is written, decoded, as one JSON file in OUT_DIR (written under a
dot name, then renamed, so a reader never sees half a file): the envelope, the subject,
the Message-ID and the plain-text body. `--reject ADDRESS` answers 550 to that recipient,
as a server does for an address that does not exist. Prints `ready PORT` once it accepts
connections, and stops on SIGTERM or SIGINT.
"""

import argparse
import email
import email.policy
import json
import os
import signal
import time
import uuid

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, out, reject):
        self.out = out
        self.reject = {a.lower() for a in reject}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": body.get_content() if body is not None else "",
        }
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
        temporary = os.path.join(self.out, "." + name)
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(temporary, os.path.join(self.out, name))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--reject", action="append", default=[])
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(Save(args.out, args.reject), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"ready {args.port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
