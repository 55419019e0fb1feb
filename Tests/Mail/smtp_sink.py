#!/usr/bin/env python3
"""An SMTP sink for the mail transport tests (aiosmtpd), on 127.0.0.1 only.

    smtp_sink.py --port P --dir D [--refuse-first N] [--delay-rcpt SECONDS]
                 [--tls-cert C --tls-key K]   (offers STARTTLS)
                 [--implicit-tls]             (with the certificate: TLS from the first byte instead)
                 [--refuse-rcpt ADDRESS]...   ("550 5.1.1 no such user" to RCPT TO that address)
                 [--defer-rcpt ADDRESS]...    ("450 4.2.1 mailbox busy" to RCPT TO that address)
                 [--auth user:pass]           (requires AUTH; PLAIN and LOGIN)

Each message it accepts becomes D/<n>.eml (the data as received, dot-stuffing undone) and
D/<n>.json: {"mail_from", "rcpt_tos", "message_id", "tls", "auth_user"}; both are written to a
temporary name first and renamed, the .eml before the .json, both before the 250 goes out.
The first N DATA commands that would start a message (counted across connections) are
answered "451 4.3.0 try later" instead of 354. Prints "ready" on stdout once it listens; SIGTERM or SIGINT stop it.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, syntax


class Sink:
    def __init__(self, directory, refuse_first, delay_rcpt, refuse_rcpt, defer_rcpt):
        self.directory = directory
        self.refuse_rcpt = set(refuse_rcpt)
        self.defer_rcpt = set(defer_rcpt)
        self.refusals_left = refuse_first
        self.delay_rcpt = delay_rcpt
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay_rcpt > 0:
            await asyncio.sleep(self.delay_rcpt)
        if address in self.refuse_rcpt:
            return "550 5.1.1 no such user"
        if address in self.defer_rcpt:
            return "450 4.2.1 mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        number = self.count
        content = envelope.original_content or b""
        headers = BytesHeaderParser().parsebytes(content)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": headers.get("Message-ID"),
            # STARTTLS's transport or implicit TLS's: either has an SSL object.
            "tls": server.transport is not None and server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": session.auth_data.login.decode("utf-8", "replace") if session.authenticated else None,
        }
        self.write(f"{number}.eml", content)
        self.write(f"{number}.json", json.dumps(record).encode())
        return "250 2.0.0 OK: queued as %d" % number

    def write(self, name, data):
        path = os.path.join(self.directory, name)
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)


class SinkSMTP(SMTP):
    """aiosmtpd's SMTP, with DATA refused while the sink has refusals left."""

    def __init__(self, sink, **options):
        super().__init__(sink, **options)
        self.sink = sink

    @syntax("DATA")
    async def smtp_DATA(self, arg):
        # Only a DATA that would be accepted counts: after HELO, AUTH and a recipient.
        ready = self.session.host_name and self.envelope.rcpt_tos and not arg
        ready = ready and not (self._auth_required and not self.session.authenticated)
        if ready and self.sink.refusals_left > 0:
            self.sink.refusals_left -= 1
            self._set_rset_state()
            await self.push("451 4.3.0 try later")
            return
        await super().smtp_DATA(arg)


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        good = (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=good, handled=False, auth_data=auth_data if good else None)
    return authenticate


async def serve(arguments):
    sink = Sink(arguments.dir, arguments.refuse_first, arguments.delay_rcpt, arguments.refuse_rcpt, arguments.defer_rcpt)
    options = {"hostname": "sink.test", "ident": "triage test sink", "enable_SMTPUTF8": True}
    tls_context = None
    if arguments.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
        if not arguments.implicit_tls:
            options["tls_context"] = tls_context
    if arguments.auth:
        user, _, password = arguments.auth.partition(":")
        options["authenticator"] = authenticator_for(user, password)
        options["auth_required"] = True
        # Over STARTTLS when offered; in plain text only on a sink without TLS (loopback tests).
        options["auth_require_tls"] = tls_context is not None

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SinkSMTP(sink, **options), host="127.0.0.1", port=arguments.port,
                                      ssl=tls_context if arguments.implicit_tls else None)
    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    print("ready", flush=True)

    # A test that crashes never stops its sink: the sink stops when its parent is gone.
    parent = os.getppid()

    async def watch_parent():
        while not stop.is_set():
            if os.getppid() != parent:
                stop.set()
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(watch_parent())
    await stop.wait()
    watcher.cancel()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description="SMTP sink for the Triage mail tests")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--delay-rcpt", type=float, default=0)
    parser.add_argument("--refuse-rcpt", action="append", default=[])
    parser.add_argument("--defer-rcpt", action="append", default=[])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth", help="user:pass")
    arguments = parser.parse_args()
    if bool(arguments.tls_cert) != bool(arguments.tls_key) or (arguments.implicit_tls and not arguments.tls_cert):
        parser.error("--tls-cert and --tls-key go together, and --implicit-tls needs them")
    os.makedirs(arguments.dir, exist_ok=True)
    try:
        asyncio.run(serve(arguments))
    except OSError as error:
        print(f"smtp_sink: {error}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
