"""Helpers for the mail interop tests: a recording aiosmtpd server, a test CA, and the switchboard binary."""
import datetime
import email
import email.policy
import ipaddress
import os
import re
import subprocess
import threading
import time

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from interop import free_port, read_banner, wait_for  # noqa: F401 - re-exported to the mail tests

BIN = os.path.join(os.environ["SWITCHBOARD_BIN_DIR"], "switchboard")


class Recorder:
    """aiosmtpd handler: keeps every accepted message; refuses recipients in `reject` with a 550."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.reject = set()
        self.auth = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "tls": session.ssl is not None,
                "authenticated": session.authenticated,
                "message": parsed,
            })
        return "250 2.0.0 OK queued"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret p@ss"
        with self.lock:
            self.auth.append((mechanism, ok))
        return AuthResult(success=ok)

    def received(self, recipient=None):
        with self.lock:
            return [m for m in self.messages if recipient is None or recipient in m["to"]]


def start_smtp(port, recorder, **options):
    controller = Controller(recorder, hostname="127.0.0.1", port=port, ready_timeout=10, **options)
    controller.start()
    return controller


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_of(message):
    found = re.search(r"(https?://\S+token=\S+)", text_of(message))
    return found.group(1) if found else None


def make_ca(folder):
    """A test CA and a server certificate for localhost / 127.0.0.1 signed by it (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Switchboard Test CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: os.path.join(folder, name) for name in ("ca.pem", "server.pem", "server.key")}
    with open(paths["ca.pem"], "wb") as f:
        f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.pem"], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["server.key"], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


class Switchboard:
    """The real `switchboard serve` on a free port with a fresh data folder; stopped by stop()."""

    def __init__(self, tmp_path, smtp_url, ca_file=None, login=True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, SWITCHBOARD_PORT=str(self.port), SWITCHBOARD_HOST="127.0.0.1",
                   SWITCHBOARD_DATA_DIR=str(tmp_path / "data"), SWITCHBOARD_PUBLIC_URL=self.base,
                   SWITCHBOARD_SMTP_URL=smtp_url, SWITCHBOARD_LOG_LEVEL="info")
        env.pop("SWITCHBOARD_SMTP_CA_FILE", None)
        if ca_file:
            env["SWITCHBOARD_SMTP_CA_FILE"] = ca_file
        self.proc = subprocess.Popen([BIN, "serve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.stderr = ""
        banner = read_banner(self.proc, timeout=30, stderr=self.proc.stderr)
        self.banner = banner
        self.support = None
        if not login:
            return
        login = re.search(r"login:\s+(\S+)", banner).group(1)
        password = re.search(r"password:\s+(\S+)", banner).group(1)
        self.support = self.post("/api/v1/auth/login", {"email": login, "password": password}).json()["token"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                _, self.stderr = self.proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                _, self.stderr = self.proc.communicate(timeout=10)
        return self.stderr

    def headers(self, token):
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None):
        return requests.get(self.base + path, headers=self.headers(token), timeout=10)

    def post(self, path, json=None, token=None):
        return requests.post(self.base + path, json=json, headers=self.headers(token), timeout=10)

    def patch(self, path, json=None, token=None):
        return requests.patch(self.base + path, json=json, headers=self.headers(token), timeout=10)

    def tenant(self, slug):
        reply = self.post("/api/v1/tenants", {"slug": slug, "name": f"Acme {slug}"}, self.support)
        assert reply.status_code == 201, reply.text
        return reply.json()["id"]

    def create_user(self, tenant, email_address, **extra):
        body = {"tenantId": tenant, "name": "Ana Lúcia", "email": email_address, "role": "agent"}
        body.update(extra)
        reply = self.post("/api/v1/users", body, self.support)
        assert reply.status_code == 201, reply.text
        return reply.json()["id"]

    def outbox(self, status):
        reply = self.get(f"/api/v1/outbox?status={status}", self.support)
        assert reply.status_code == 200, reply.text
        return reply.json()
