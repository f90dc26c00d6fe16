"""Helpers for the chat interop tests (issue 6): the real switchboard binary, ready agents, WebSocket
clients for agents and visitors, signed WhatsApp webhooks and a fake Graph API."""
import email
import email.policy
import glob
import hashlib
import hmac
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from websockets.sync.client import connect
from interop import free_port, read_banner, wait_for  # noqa: F401 - re-exported to the chat tests

BIN = os.path.join(os.environ["SWITCHBOARD_BIN_DIR"], "switchboard")
APP_SECRET = "test-app-secret-0123456789"
VERIFY_TOKEN = "verify-me-please"


class Switchboard:
    """`switchboard serve` on a free port, e-mails as .eml files in its data folder. restart() keeps the data."""

    def __init__(self, data_dir, graph_url="http://127.0.0.1:9", workspace_grace=3, visitor_grace=2, shards=None, extra_env=None):
        self.data_dir = str(data_dir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, SWITCHBOARD_PORT=str(self.port), SWITCHBOARD_HOST="127.0.0.1",
                        SWITCHBOARD_DATA_DIR=self.data_dir, SWITCHBOARD_PUBLIC_URL=self.base, SWITCHBOARD_LOG_LEVEL="info",
                        SWITCHBOARD_WHATSAPP_APP_SECRET=APP_SECRET, SWITCHBOARD_WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
                        SWITCHBOARD_WHATSAPP_GRAPH_URL=graph_url, SWITCHBOARD_WHATSAPP_RETRY_BASE_MS="100",
                        SWITCHBOARD_WORKSPACE_GRACE_SECONDS=str(workspace_grace),
                        SWITCHBOARD_VISITOR_GRACE_SECONDS=str(visitor_grace))
        if shards:
            self.env["SWITCHBOARD_ROUTER_SHARDS"] = str(shards)
        self.env.update(extra_env or {})
        self.env.pop("SWITCHBOARD_SMTP_URL", None)
        self.proc = None
        self.logs = ""
        self.start()
        login = re.search(r"login:\s+(\S+)", self.banner).group(1)
        password = re.search(r"password:\s+(\S+)", self.banner).group(1)
        self.support = self.post("/api/v1/auth/login", {"email": login, "password": password}).json()["token"]

    def start(self):
        self.proc = subprocess.Popen([BIN, "serve"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
        self.banner = read_banner(self.proc)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        for line in self.proc.stdout:
            self.logs += line

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.logs

    def restart(self):
        self.stop()
        self.start()

    # HTTP
    def h(self, token):
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **kw):
        return requests.get(self.base + path, headers=self.h(token), timeout=10, **kw)

    def post(self, path, json=None, token=None, **kw):
        return requests.post(self.base + path, json=json, headers=self.h(token), timeout=10, **kw)

    def put(self, path, json=None, token=None):
        return requests.put(self.base + path, json=json, headers=self.h(token), timeout=10)

    def ok(self, reply, status=(200, 201, 202, 204)):
        assert reply.status_code in status, f"{reply.status_code} {reply.text}"
        return reply.json() if reply.content else None

    # Directory setup
    def tenant(self, slug):
        return self.ok(self.post("/api/v1/tenants", {"slug": slug, "name": f"Acme {slug}"}, self.support))["id"]

    def queue(self, tenant, name, channel, **settings):
        body = {"tenantId": tenant, "name": name, "channel": channel}
        if settings:
            body["settings"] = settings
        return self.ok(self.post("/api/v1/queues", body, self.support))["id"]

    def mails(self, to):
        found = []
        for path in sorted(glob.glob(os.path.join(self.data_dir, "mail", "*.eml"))):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if message["to"].addresses[0].addr_spec == to:
                found.append(message)
        return found

    def link_newest(self, to, kind):
        """The token of the newest mail to `to` with a `kind` link."""
        return self.link(to, kind, newest=True)

    def link(self, to, kind, newest=False):
        def find():
            messages = self.mails(to)
            for message in (reversed(messages) if newest else messages):
                text = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(r"(https?://\S+/" + kind + r"\?token=\S+)", text)
                if match:
                    return match.group(1)
            return None
        link = wait_for(find, what=f"{kind} mail to {to}")
        return urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]

    def ready_agent(self, tenant, address, name, queues, password="S3nha!forte-123"):
        """An omnichannel-ready agent linked to `queues`: created, password set and e-mail confirmed through the mailed links."""
        user = self.ok(self.post("/api/v1/users", {"tenantId": tenant, "name": name, "email": address, "role": "agent",
                                                   "webrtcEnabled": True, "omnichannelEnabled": True}, self.support))["id"]
        for q in queues:
            self.ok(self.put(f"/api/v1/queues/{q}/members/{user}", {"level": 1}, self.support))
        self.ok(self.post("/api/v1/password-reset/complete", {"token": self.link(address, "reset-password"), "password": password}))
        self.ok(self.post("/api/v1/email-confirmation", {"token": self.link(address, "confirm-email")}))
        token = self.ok(self.post("/api/v1/auth/login", {"email": address, "password": password}))["token"]
        return user, token

    def site(self, queue, name="Loja"):
        return self.ok(self.post("/api/v1/chat-sites", {"queueId": queue, "name": name}, self.support))


class Client:
    """A synchronous WebSocket client that keeps every message it receives and can wait for one."""

    def __init__(self, url, headers=None):
        self.ws = connect(url, additional_headers=headers or {}, open_timeout=10, max_size=4 << 20).__enter__()
        self.received = []
        self.next_id = 1

    def recv_until(self, predicate, timeout=15.0, what="message"):
        deadline = time.time() + timeout
        for m in self.received:
            if predicate(m):
                self.received.remove(m)
                return m
        while time.time() < deadline:
            try:
                raw = self.ws.recv(timeout=max(0.05, deadline - time.time()))
            except TimeoutError:
                break
            m = json.loads(raw)
            if predicate(m):
                return m
            self.received.append(m)
        raise AssertionError(f"timed out waiting for {what}; got {self.received[-5:]}")

    def type(self, t, timeout=15.0, **match):
        return self.recv_until(lambda m: m.get("type") == t and all(m.get(k) == v for k, v in match.items()), timeout, what=t)

    def request(self, message, timeout=15.0):
        """Sends a message with a fresh id and returns its ack or error."""
        mid = f"c{self.next_id}"
        self.next_id += 1
        self.ws.send(json.dumps(dict(message, id=mid)))
        return self.recv_until(lambda m: m.get("type") in ("ack", "error") and m.get("id") == mid, timeout, what=f"answer to {message}")

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def agent_ws(sb, token):
    return Client(sb.base.replace("http", "ws") + "/api/v1/agent/ws", {"Authorization": f"Bearer {token}"})


def visitor_ws(sb, site_key, resume=None):
    url = sb.base.replace("http", "ws") + "/webchat/ws?site=" + site_key
    if resume:
        url += "&resume=" + resume
    return Client(url)


def signed(body):
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def post_webhook(sb, body, signature=True):
    raw, headers = signed(body)
    if signature is False:
        headers.pop("X-Hub-Signature-256")
    elif isinstance(signature, str):
        headers["X-Hub-Signature-256"] = signature
    return requests.post(sb.base + "/webhooks/whatsapp", data=raw, headers=headers, timeout=10)


def wa_payload(phone_number_id, messages=(), statuses=(), contacts=()):
    value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id}}
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}]}


def wa_text(wamid, wa_id, body, ts=None):
    return {"from": wa_id, "id": wamid, "timestamp": str(int(ts or time.time())), "type": "text", "text": {"body": body}}


class FakeGraph:
    """A local Graph API: records every POST /{version}/{phone_number_id}/messages; answers from a script of
    status codes (then 200 with a new wamid)."""

    def __init__(self):
        self.requests = []
        self.script = []
        self.lock = threading.Lock()
        # phone_number_id -> the access token that may read it (Meta's ownership of a number).
        self.owned = {}
        self.lookups = []
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - GET /{version}/{phone_number_id}: readable only with its owner's token
                number = self.path.split("?")[0].rstrip("/").split("/")[-1]
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with graph.lock:
                    graph.lookups.append({"path": self.path, "auth": self.headers.get("Authorization")})
                    owner = graph.owned.get(number)
                if owner is not None and owner == token:
                    status, reply = 200, {"id": number, "display_phone_number": "+55 11 4000-0000", "verified_name": "Loja"}
                else:
                    status, reply = 400, {"error": {"message": f"Unsupported get request. Object with ID '{number}' does not exist, "
                                                               "cannot be loaded due to missing permissions", "type": "GraphMethodException",
                                                    "code": 100}}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with graph.lock:
                    graph.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": json.loads(body)})
                    status = graph.script.pop(0) if graph.script else 200
                    n = len(graph.requests)
                if status == 200:
                    reply = {"messaging_product": "whatsapp", "contacts": [{"input": "x", "wa_id": "x"}], "messages": [{"id": f"wamid.OUT{n}"}]}
                elif status == 429:
                    reply = {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}
                else:
                    reply = {"error": {"message": "Service temporarily unavailable", "type": "OAuthException", "code": 2}}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
