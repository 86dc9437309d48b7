"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, storing each message it is
given as DIR/NNN.eml with its envelope recipients in DIR/NNN.rcpt (one per line). It refuses
(550) any recipient whose address starts with "nobody".

    python3 tests/mail/smtp_sink.py PORT DIR [--auth USER PASSWORD]
                                    [--starttls CERT KEY | --tls CERT KEY]

--auth requires that login (over plain text too: the test runs on loopback); --starttls
offers STARTTLS and requires it before anything else; --tls speaks TLS from the first byte.
It writes DIR/ready once it listens, and stops when DIR/stop appears or it is killed."""

import argparse
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A mailbox that does not exist, as a real server answers for one.
        if address.startswith("nobody"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        with open(base + ".rcpt.tmp", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".rcpt.tmp", base + ".rcpt")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("folder")
    p.add_argument("--auth", nargs=2)
    p.add_argument("--starttls", nargs=2)
    p.add_argument("--tls", nargs=2)
    a = p.parse_args()
    kwargs = {}
    if a.auth:
        user, password = a.auth[0].encode(), a.auth[1].encode()

        def check(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user and auth_data.password == password
            return AuthResult(success=ok)

        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=bool(a.starttls))
    pair = a.starttls or a.tls
    if pair:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pair[0], pair[1])
        if a.starttls:
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    controller = Controller(Store(a.folder), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    open(os.path.join(a.folder, "ready"), "w").close()
    try:
        while not os.path.exists(os.path.join(a.folder, "stop")):
            time.sleep(0.05)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
