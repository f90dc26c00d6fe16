"""Issue 10: holes and defects found by review and by use, shown against the real binary on real sockets.
Each test here failed on the code before its fix (the note of issue 10 names the commits)."""
import json
import os
import subprocess
import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from chathelpers import BIN, Client, Switchboard, agent_ws, visitor_ws, wait_for


def ready_center(tmp_path, cleanup, shards=None, **queue_settings):
    sb = Switchboard(tmp_path / "data", **({"shards": shards} if shards else {}))
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    settings = {"wrapUpSeconds": 60, "offerTimeoutSeconds": 60}
    settings.update(queue_settings)
    queue = sb.queue(tenant, "Chat do site", "webchat", **settings)
    return sb, tenant, queue


def open_agent(sb, token, cleanup, queue):
    ws = agent_ws(sb, token)
    cleanup.append(ws.close)
    ws.type("welcome")
    assert ws.request({"type": "queue.login", "queueId": queue})["type"] == "ack"
    assert ws.request({"type": "state.set", "state": "available"})["type"] == "ack"
    return ws


def whatsapp_center(tmp_path, cleanup, numbers):
    """A server beside a fake Graph API, tenant "loja" with one WhatsApp queue and `numbers` (phone id → token)
    linked to it. Returns (sb, graph, tenant, queue)."""
    from chathelpers import FakeGraph
    graph = FakeGraph()
    cleanup.append(graph.stop)
    graph.owned.update(numbers)
    sb = Switchboard(tmp_path / "data", graph_url=graph.url)
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    queue = sb.queue(tenant, "WhatsApp", "whatsapp")
    for phone, token in numbers.items():
        sb.ok(sb.put(f"/api/v1/whatsapp-numbers/{phone}", {"queueId": queue, "accessToken": token}, sb.support))
    return sb, graph, tenant, queue


def closed_with(ws, timeout=10):
    """Reads until the server closes the socket; returns (code, reason) of its close frame."""
    deadline = time.time() + timeout
    with pytest.raises(ConnectionClosed) as closed:
        while time.time() < deadline:
            ws.ws.recv(timeout=max(0.05, deadline - time.time()))
        raise AssertionError("the server did not close the socket")
    frame = closed.value.rcvd
    return (frame.code, frame.reason) if frame else (None, None)


# §1.9 Router outputs reach agents of other tenants.
def test_an_auto_pause_reaches_only_the_agent_of_its_own_shard(tmp_path, cleanup):
    # Two tenants on two shards: each has one agent, and agent numbers are dense per shard, so both are agent 0.
    sb, tenant_a, queue_a = ready_center(tmp_path, cleanup, shards=2, offerTimeoutSeconds=5, maxNoAnswer=1)
    tenant_b = sb.tenant("outra")
    queue_b = sb.queue(tenant_b, "Chat da outra", "webchat")
    _, token_a = sb.ready_agent(tenant_a, "ana@loja.test", "Ana", [queue_a])
    _, token_b = sb.ready_agent(tenant_b, "bia@outra.test", "Bia", [queue_b])
    a = open_agent(sb, token_a, cleanup, queue_a)
    b = open_agent(sb, token_b, cleanup, queue_b)
    site = sb.site(queue_a)
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    v.type("welcome")
    assert v.request({"type": "start", "name": "Cliente", "text": "oi"})["type"] == "ack"
    a.type("offer", timeout=10)
    # Ana does not answer: the offer times out and the router pauses her (max no-answer 1).
    assert a.type("offer.withdrawn", timeout=10)["reason"] == "timed_out"
    assert a.type("state", timeout=10, state="paused")["reason"] == "no_answer"
    # Bia, of the other tenant, is told nothing.
    with pytest.raises(AssertionError):
        b.type("state", timeout=2, state="paused")
    state_b = sb.ok(sb.get(f"/api/v1/me", token_b))
    assert state_b["user"]["email"] == "bia@outra.test"


# §1.3 A logged-out, deleted or password-reset agent keeps a working workspace WebSocket.
def test_revoking_a_session_closes_the_agents_workspace_with_a_reason(tmp_path, cleanup):
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    user, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])

    # Logout ends that session: its socket is closed, a socket of another session of the same agent stays.
    ws = open_agent(sb, token, cleanup, queue)
    other_token = sb.ok(sb.post("/api/v1/auth/login", {"email": "ana@loja.test", "password": "S3nha!forte-123"}))["token"]
    other = open_agent(sb, other_token, cleanup, queue)
    assert sb.post("/api/v1/auth/logout", token=token).status_code == 204
    ended = ws.type("session.ended", timeout=10)
    assert ended["reason"] == "logged_out", ended
    assert closed_with(ws) == (4001, "logged_out")
    assert other.request({"type": "ping"})["type"] == "ack"

    # The admin sets the password: every session of the agent ends.
    assert sb.post(f"/api/v1/users/{user}/set-password", {"password": "Outra!Senha-456"}, sb.support).status_code == 204
    assert closed_with(other) == (4001, "password_changed")
    assert sb.get("/api/v1/me", other_token).status_code == 401

    # Omnichannel turned off: the agent is no longer ready; the socket closes with 4003.
    token = sb.ok(sb.post("/api/v1/auth/login", {"email": "ana@loja.test", "password": "Outra!Senha-456"}))["token"]
    ws = agent_ws(sb, token)
    cleanup.append(ws.close)
    ws.type("welcome")
    reply = requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"omnichannelEnabled": False}, headers=sb.h(sb.support), timeout=10)
    assert reply.status_code == 200, reply.text
    code, reason = closed_with(ws)
    assert code == 4003 and "omnichannel_disabled" in reason, (code, reason)

    # Deleted: closed with 4001 user_deleted.
    sb.ok(requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"omnichannelEnabled": True}, headers=sb.h(sb.support), timeout=10))
    assert sb.post(f"/api/v1/users/{user}/set-password", {"password": "Terceira!Senha-1"}, sb.support).status_code == 204
    token = sb.ok(sb.post("/api/v1/auth/login", {"email": "ana@loja.test", "password": "Terceira!Senha-1"}))["token"]
    ws = agent_ws(sb, token)
    cleanup.append(ws.close)
    ws.type("welcome")
    assert requests.delete(f"{sb.base}/api/v1/users/{user}", headers=sb.h(sb.support), timeout=10).status_code == 204
    assert closed_with(ws) == (4001, "user_deleted")


# §2.3 WebSocket upgrades are refused with an empty 400.
def test_refused_websocket_upgrades_answer_the_documented_status_and_error(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    anonymous = requests.get(sb.base + "/api/v1/agent/ws", headers=upgrade, timeout=10)
    assert anonymous.status_code == 401, (anonymous.status_code, anonymous.text)
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    bad_token = requests.get(sb.base + "/api/v1/agent/ws", headers=dict(upgrade, Authorization="Bearer nope"), timeout=10)
    assert bad_token.status_code == 401 and bad_token.json()["error"]["code"] == "unauthenticated"
    unknown = requests.get(sb.base + "/webchat/ws?site=no-such-site", headers=upgrade, timeout=10)
    assert unknown.status_code == 404, (unknown.status_code, unknown.text)
    assert unknown.json()["error"]["code"] == "unknown_site"
    metrics = requests.get(sb.base + "/metrics", timeout=10).text
    assert 'status="401"' in metrics


# §2.4 Unknown routes answer 404 with an empty body.
def test_unknown_routes_and_methods_answer_the_json_error_shape(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    for path in ("/api/v1/nope", "/nope", "/api/v1/users/x/y/z"):
        reply = requests.get(sb.base + path, headers={"Accept-Language": "pt-BR"}, timeout=10)
        assert reply.status_code == 404, (path, reply.status_code)
        body = reply.json()
        assert body["error"]["code"] == "not_found" and body["error"]["message"], body
    reply = requests.delete(sb.base + "/health", timeout=10)
    assert reply.status_code in (404, 405)
    assert reply.json()["error"]["code"] in ("not_found", "method_not_allowed")


# §2.1 The admin's direct password set leaves the agent locked out.
def test_a_password_set_by_the_admin_lets_the_agent_log_in_and_use_the_workspace(tmp_path, cleanup):
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    user, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    # An existing agent is moved onto omnichannel again: that clears e-mail verification (PRODUCT.md).
    sb.ok(requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"omnichannelEnabled": False}, headers=sb.h(sb.support), timeout=10))
    sb.ok(requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"omnichannelEnabled": True}, headers=sb.h(sb.support), timeout=10))
    # The agent cannot use the e-mail: the admin sets the password on the Senha tab.
    assert sb.post(f"/api/v1/users/{user}/set-password", {"password": "Direta!Senha-789"}, sb.support).status_code == 204
    login = sb.post("/api/v1/auth/login", {"email": "ana@loja.test", "password": "Direta!Senha-789"})
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    me = sb.ok(sb.get("/api/v1/me", token))
    assert me["ready"] is True, me
    ws = open_agent(sb, token, cleanup, queue)
    assert ws.request({"type": "ping"})["type"] == "ack"
    audit = sb.ok(sb.get(f"/api/v1/audit?tenantId={tenant}", sb.support))
    entries = audit["entries"] if isinstance(audit, dict) else audit
    assert any(e["action"] == "user.set_password" and "email_verified" in json.dumps(e) for e in entries), entries


# §1.6 The secret key can be silently replaced.
def test_an_unreadable_secret_key_stops_the_server_and_is_never_replaced(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    key = data / "secret.key"
    key.write_text("this is not base64 of 32 bytes\n")
    env = dict(os.environ, SWITCHBOARD_PORT="0", SWITCHBOARD_HOST="127.0.0.1", SWITCHBOARD_DATA_DIR=str(data))
    env.pop("SWITCHBOARD_SECRET_KEY", None)
    proc = subprocess.run([BIN, "serve"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode != 0
    assert "secret.key" in proc.stderr + proc.stdout, proc.stderr
    assert key.read_text() == "this is not base64 of 32 bytes\n"

    # A key file that exists but cannot be read: refused too, left as it is.
    key.write_text("")
    proc = subprocess.run([BIN, "serve"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode != 0 and key.read_text() == ""

    # No key file: one is created (0600) and used again on the next start.
    key.unlink()
    sb = Switchboard(data)
    first = key.read_text()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    sb.restart()
    assert key.read_text() == first
    sb.stop()


# §1.12 Every served page and script sends a Content-Security-Policy and X-Content-Type-Options.
def test_served_pages_and_scripts_carry_csp_and_nosniff(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    for path in ("/reset-password", "/confirm-email", "/webchat/widget.js", "/webchat/widget.css", "/api/v1/openapi.yaml", "/health"):
        reply = requests.get(sb.base + path, timeout=10)
        assert reply.status_code == 200, path
        assert reply.headers.get("X-Content-Type-Options") == "nosniff", path
        assert "default-src" in reply.headers.get("Content-Security-Policy", ""), path


def test_the_reset_page_runs_under_its_policy_in_chromium(tmp_path, cleanup):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    from interop import chromium

    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    browser = chromium()
    cleanup.append(browser.quit)
    browser.get(sb.base + "/reset-password?token=not-a-real-token")
    wait = WebDriverWait(browser, 20)
    wait.until(ec.visibility_of_element_located((By.ID, "password"))).send_keys("Nova!Senha-123")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # The page's own script posted the form and shows the API's error: the policy let it run.
    wait.until(lambda b: b.find_element(By.ID, "result").text.strip() != "")
    assert "token" in browser.find_element(By.ID, "result").text.lower() or "link" in browser.find_element(By.ID, "result").text.lower()
    assert "?token=" not in browser.current_url


class FailingWrites:
    """Makes the server's real SQLite file refuse updates of conversations while active (a trigger
    installed from outside, as a full disk or an I/O error would refuse them)."""

    def __init__(self, sb):
        import sqlite3
        self.db = sqlite3.connect(os.path.join(sb.data_dir, "switchboard.sqlite"), timeout=10, isolation_level=None)

    def __enter__(self):
        self.db.execute("CREATE TRIGGER test_fail_updates BEFORE UPDATE ON conversations "
                        "BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END")
        return self

    def __exit__(self, *exc):
        self.db.execute("DROP TRIGGER test_fail_updates")

    def status(self, conversation_id):
        row = self.db.execute("SELECT status FROM conversations WHERE lower(id) = lower(?)", (conversation_id,)).fetchone()
        return row[0] if row else None


# §1.8 Chat state acknowledged when saving failed.
def test_accept_close_and_leave_are_acknowledged_only_after_they_are_stored(tmp_path, cleanup):
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    agent = open_agent(sb, token, cleanup, queue)
    site = sb.site(queue)
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    v.type("welcome")
    started = v.request({"type": "start", "name": "Cliente", "text": "oi"})
    contact = started["conversationId"]
    agent.type("offer", timeout=10)
    store = FailingWrites(sb)

    with store:
        refused = agent.request({"type": "offer.accept", "contactId": contact})
        assert refused["type"] == "error" and refused["code"] == "storage_failed", refused
    with pytest.raises(AssertionError):
        agent.type("contact.assigned", timeout=1)
    with pytest.raises(AssertionError):
        v.type("assigned", timeout=0.5)
    assert store.status(contact) == "waiting"
    # Nothing changed: the offer still stands and a second try succeeds.
    assert agent.request({"type": "offer.accept", "contactId": contact})["type"] == "ack"
    agent.type("contact.assigned")
    v.type("assigned")
    assert store.status(contact) == "assigned"

    with store:
        refused = agent.request({"type": "contact.close", "contactId": contact})
        assert refused["type"] == "error" and refused["code"] == "storage_failed", refused
        refused = v.request({"type": "leave"})
        assert refused["type"] == "error" and refused["code"] == "storage_failed", refused
    with pytest.raises(AssertionError):
        v.type("closed", timeout=1)
    with pytest.raises(AssertionError):
        agent.type("wrapup.started", timeout=0.5)
    assert store.status(contact) == "assigned"
    # The conversation goes on: both sides still talk, then the agent closes it for real.
    assert v.request({"type": "message", "text": "ainda aqui"})["type"] == "ack"
    assert agent.type("message")["message"]["text"] == "ainda aqui"
    assert agent.request({"type": "contact.close", "contactId": contact})["type"] == "ack"
    assert v.type("closed")["reason"] == "agent_closed"
    assert store.status(contact) == "wrap_up"


# §1.10 The login throttle keys on the client address, from a trusted proxy's header only when configured.
def test_login_throttle_reads_the_client_behind_a_trusted_proxy_only(tmp_path, cleanup):
    def fail_logins(sb, address, count):
        for n in range(count):
            reply = requests.post(sb.base + "/api/v1/auth/login", json={"email": f"nobody{n}@x.test", "password": "Wrong!pass1"},
                                  headers={"X-Forwarded-For": address}, timeout=10)
            assert reply.status_code in (401, 429)

    def locked(sb, address):
        reply = requests.post(sb.base + "/api/v1/auth/login", json={"email": "fresh@x.test", "password": "Wrong!pass1"},
                              headers={"X-Forwarded-For": address}, timeout=10)
        return reply.status_code == 429

    behind = Switchboard(tmp_path / "proxied", extra_env={"SWITCHBOARD_TRUSTED_PROXIES": "127.0.0.1/32"})
    cleanup.append(behind.stop)
    fail_logins(behind, "203.0.113.7", 20)
    assert locked(behind, "203.0.113.7")
    assert not locked(behind, "198.51.100.9")  # another client behind the same proxy still gets in
    behind.stop()

    # Without a trusted proxy the header is the client's own claim: ignored, the socket address counts.
    direct = Switchboard(tmp_path / "direct")
    cleanup.append(direct.stop)
    fail_logins(direct, "203.0.113.7", 10)
    fail_logins(direct, "198.51.100.1", 10)
    assert locked(direct, "192.0.2.200")


# §1.1 A tenant can take over another business's WhatsApp number.
def test_a_whatsapp_number_is_linked_only_with_a_token_that_reads_it(tmp_path, cleanup):
    from chathelpers import FakeGraph
    graph = FakeGraph()
    cleanup.append(graph.stop)
    graph.owned["111111111111111"] = "EAAG-token-of-loja"
    graph.owned["222222222222222"] = "EAAG-token-of-the-real-owner"
    sb = Switchboard(tmp_path / "data", graph_url=graph.url)
    cleanup.append(sb.stop)
    loja = sb.tenant("loja")
    other = sb.tenant("outra")
    loja_queue = sb.queue(loja, "WhatsApp", "whatsapp")
    other_queue = sb.queue(other, "WhatsApp", "whatsapp")

    ok = sb.put("/api/v1/whatsapp-numbers/111111111111111", {"queueId": loja_queue, "accessToken": "EAAG-token-of-loja"}, sb.support)
    assert ok.status_code == 200, ok.text
    # Another tenant names a number its token cannot read: refused, nothing stored.
    stolen = sb.put("/api/v1/whatsapp-numbers/222222222222222", {"queueId": other_queue, "accessToken": "EAAG-token-of-outra"}, sb.support)
    assert stolen.status_code == 422, stolen.text
    assert stolen.json()["error"]["code"] == "whatsapp_number_not_owned"
    listed = sb.ok(sb.get(f"/api/v1/whatsapp-numbers?tenantId={other}", sb.support))
    assert listed["numbers"] == []
    # A number another tenant linked is a conflict, even with a token that reads it.
    graph.owned["111111111111111"] = "EAAG-token-of-outra"
    taken = sb.put("/api/v1/whatsapp-numbers/111111111111111", {"queueId": other_queue, "accessToken": "EAAG-token-of-outra"}, sb.support)
    assert taken.status_code == 409, taken.text
    # Replacing the token of one's own number is verified and audited.
    graph.owned["111111111111111"] = "EAAG-new-token-of-loja"
    replaced = sb.put("/api/v1/whatsapp-numbers/111111111111111", {"queueId": loja_queue, "accessToken": "EAAG-new-token-of-loja"}, sb.support)
    assert replaced.status_code == 200, replaced.text
    audit = sb.ok(sb.get(f"/api/v1/audit?tenantId={loja}", sb.support))
    actions = [e["action"] for e in audit]
    assert "whatsapp_number.linked" in actions and "whatsapp_number.token_replaced" in actions, actions
    assert all("EAAG" not in json.dumps(e) for e in audit)
    # The token went to Meta only as a bearer credential.
    assert any(l["auth"] == "Bearer EAAG-token-of-loja" for l in graph.lookups)


# §1.2 Anonymous web chat has no limits.
def test_web_chat_floods_are_limited_and_legitimate_visitors_still_get_through(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data", extra_env={"SWITCHBOARD_TRUSTED_PROXIES": "127.0.0.1"})
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    queue = sb.queue(tenant, "Chat do site", "webchat", maxWaiting=8)
    site = sb.ok(sb.post("/api/v1/chat-sites", {"queueId": queue, "name": "Loja", "allowedOrigins": ["https://loja.example"]}, sb.support))
    url = sb.base.replace("http", "ws") + "/webchat/ws?site=" + site["siteKey"]
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}

    def visitor(address, origin="https://loja.example"):
        client = Client(url, {"Origin": origin, "X-Forwarded-For": address})
        cleanup.append(client.close)
        client.type("welcome")
        return client

    # Allowed origins are checked on the upgrade.
    evil = requests.get(sb.base + "/webchat/ws?site=" + site["siteKey"], headers=dict(upgrade, Origin="https://evil.example"), timeout=10)
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "origin_not_allowed", (evil.status_code, evil.text)

    # One address: at most 10 open visitor connections; the 11th is refused with rate_limited.
    flood = [visitor("203.0.113.50") for _ in range(10)]
    refused = requests.get(sb.base + "/webchat/ws?site=" + site["siteKey"],
                           headers=dict(upgrade, Origin="https://loja.example", **{"X-Forwarded-For": "203.0.113.50"}), timeout=10)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited", (refused.status_code, refused.text)
    # New conversations from one address: 5 a minute, then rate_limited (nothing stored for the refused one).
    answers = [c.request({"type": "start", "name": f"Robô {n}"}) for n, c in enumerate(flood[:6])]
    assert [a["type"] for a in answers[:5]] == ["ack"] * 5, answers
    assert answers[5]["type"] == "error" and answers[5]["code"] == "rate_limited", answers[5]
    # Messages of one conversation: a burst is fine, a flood is cut with rate_limited.
    replies = [flood[0].request({"type": "message", "text": f"spam {n}"}) for n in range(40)]
    assert replies[0]["type"] == "ack"
    assert any(r["type"] == "error" and r["code"] == "rate_limited" for r in replies), replies[-1]

    # A legitimate visitor from another address gets through, up to the queue's cap of waiting contacts.
    legit = visitor("198.51.100.7")
    assert legit.request({"type": "start", "name": "Cliente de verdade", "text": "oi"})["type"] == "ack"
    others = [visitor(f"198.51.100.{20 + n}") for n in range(3)]
    results = [o.request({"type": "start", "name": f"Cliente {n}"}) for n, o in enumerate(others)]
    assert [r["type"] for r in results[:2]] == ["ack", "ack"], results
    assert results[2]["type"] == "error" and results[2]["code"] == "queue_full", results[2]
    stats = sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))
    assert stats["waiting"] <= 8, stats


# §1.11 Password hashing on the request path.
def test_a_login_flood_does_not_stall_the_workspace(tmp_path, cleanup):
    import statistics
    import threading
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    agent = open_agent(sb, token, cleanup, queue)
    for n in range(8):
        sb.ready_agent(tenant, f"login{n}@loja.test", f"Login {n}", [queue])

    def quiet_pings(count):
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            assert agent.request({"type": "ping"})["type"] == "ack"
            samples.append(time.perf_counter() - started)
            time.sleep(0.01)
        return samples

    baseline = quiet_pings(20)
    # 48 concurrent logins with the right passwords (scrypt, N = 2^15, ~0.1 s each): seconds of hashing.
    done = threading.Event()
    statuses = []

    def login(n):
        reply = requests.post(sb.base + "/api/v1/auth/login", json={"email": f"login{n % 8}@loja.test", "password": "S3nha!forte-123"}, timeout=60)
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=login, args=(n,)) for n in range(48)]
    for t in threads:
        t.start()
    during = []
    while any(t.is_alive() for t in threads):
        during.extend(quiet_pings(1))
    for t in threads:
        t.join()
    print(f"ping during a login flood: median {statistics.median(during) * 1000:.1f} ms, max {max(during) * 1000:.1f} ms "
          f"over {len(during)} pings; quiet median {statistics.median(baseline) * 1000:.1f} ms; logins {sorted(set(statuses))}")
    assert len(during) >= 10, "the flood ended before it could be measured"
    assert all(s in (200, 503) for s in statuses), statuses
    assert statuses.count(200) >= 8, statuses
    # The workspace keeps answering while the logins hash: no ping waits behind the whole flood.
    assert max(during) < 0.5, f"a ping waited {max(during):.2f} s during the login flood"


# §2.2 One malformed status in a webhook delivery loses the good messages beside it.
def test_a_malformed_item_does_not_lose_the_good_ones_beside_it(tmp_path, cleanup):
    import sqlite3
    from chathelpers import post_webhook, wa_payload, wa_text
    sb, _, _, _ = whatsapp_center(tmp_path, cleanup, {"106540352242922": "EAAG-test-token"})
    bad_status = {"id": "wamid.OUT-x", "status": "delivered", "timestamp": "soon", "recipient_id": "5511999990000"}
    no_sender = {"id": "wamid.BAD1", "timestamp": str(int(time.time())), "type": "text", "text": {"body": "sem remetente"}}
    body = wa_payload("106540352242922", messages=[wa_text("wamid.GOOD1", "5511999990000", "mensagem boa"), no_sender], statuses=[bad_status])
    reply = post_webhook(sb, body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["received"] == 1 and reply.json()["rejected"] == 2, reply.json()
    db = sqlite3.connect(os.path.join(sb.data_dir, "switchboard.sqlite"))
    texts = [row[0] for row in db.execute("SELECT text FROM messages WHERE external_id = 'wamid.GOOD1'")]
    assert texts == ["mensagem boa"]
    rejected = db.execute("SELECT path, reason, raw FROM whatsapp_rejected_items ORDER BY id").fetchall()
    assert len(rejected) == 2, rejected
    assert "timestamp" in rejected[1][1] and "soon" in rejected[1][2], rejected
    assert "from" in rejected[0][1] and "sem remetente" in rejected[0][2], rejected
    # Meta redelivers the same body: nothing is stored twice.
    again = post_webhook(sb, body)
    assert again.status_code == 200 and again.json()["received"] == 0 and again.json()["duplicates"] == 1, again.json()


# §1.12 A tenant with two WhatsApp numbers gets both mixed into one conversation and replies leave from the wrong number.
def test_each_whatsapp_number_keeps_its_own_conversation_and_replies_from_it(tmp_path, cleanup):
    from chathelpers import post_webhook, wa_payload, wa_text
    sb, graph, tenant, queue = whatsapp_center(tmp_path, cleanup, {"111111111111111": "EAAG-sales", "222222222222222": "EAAG-support"})
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    sb.ok(sb.put(f"/api/v1/agents/{sb.ok(sb.get('/api/v1/me', token))['user']['id']}/capacity", {"voice": 1, "webchat": 3, "whatsapp": 5}, sb.support))
    agent = open_agent(sb, token, cleanup, queue)
    customer = "5511988887777"
    assert post_webhook(sb, wa_payload("111111111111111", [wa_text("wamid.A1", customer, "pelo número de vendas")])).status_code == 200
    first = agent.type("offer")
    assert post_webhook(sb, wa_payload("222222222222222", [wa_text("wamid.B1", customer, "pelo número de suporte")])).status_code == 200
    second = agent.type("offer")
    assert first["contactId"] != second["contactId"]
    assert agent.request({"type": "offer.accept", "contactId": second["contactId"]})["type"] == "ack"
    assert agent.request({"type": "message.send", "contactId": second["contactId"], "text": "Suporte aqui"})["type"] == "ack"
    agent.type("message.status", status="sent", timeout=20)
    assert graph.requests[-1]["path"] == "/v21.0/222222222222222/messages", graph.requests[-1]
    assert graph.requests[-1]["auth"] == "Bearer EAAG-support"


# §1.12 Conversations of a deleted queue are stranded.
def test_deleting_a_queue_closes_the_contacts_waiting_in_it(tmp_path, cleanup):
    import sqlite3
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    site = sb.site(queue)
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    v.type("welcome")
    started = v.request({"type": "start", "name": "Cliente", "text": "alguém?"})
    assert started["type"] == "ack" and started["status"] == "waiting"
    assert requests.delete(f"{sb.base}/api/v1/queues/{queue}", headers=sb.h(sb.support), timeout=10).status_code == 204
    closed = v.type("closed", timeout=10)
    assert closed["reason"] == "queue_deleted", closed
    db = sqlite3.connect(os.path.join(sb.data_dir, "switchboard.sqlite"))
    row = db.execute("SELECT status, outcome FROM conversations WHERE lower(id) = lower(?)", (started["conversationId"],)).fetchone()
    assert row == ("closed", "queue_deleted"), row
    # After a restart nothing of it comes back as waiting.
    sb.restart()
    row = db.execute("SELECT count(*) FROM conversations WHERE status != 'closed'").fetchone()
    assert row == (0,), row


# §2.5 Validation messages leak internals into the user's language.
def test_validation_messages_name_the_field_and_allowed_values_in_the_users_language(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")

    def post(path, body, language):
        return requests.post(sb.base + path, json=body, headers=dict(sb.h(sb.support), **{"Accept-Language": language}), timeout=10)

    user = {"tenantId": tenant, "name": "Ana", "email": "ana@loja.test", "role": "god"}
    pt = post("/api/v1/users", user, "pt-BR").json()["error"]
    en = post("/api/v1/users", user, "en").json()["error"]
    assert pt["field"] == "role" and en["field"] == "role"
    for error in (pt, en):
        assert "support, admin, supervisor, agent" in error["message"], error
        assert "Cannot initialize" not in error["message"] and "String value" not in error["message"], error
    assert pt["message"].startswith("Campo inválido 'role'") and "valores permitidos" in pt["message"], pt
    assert en["message"].startswith("Invalid field 'role'") and "allowed values" in en["message"], en

    queue = {"tenantId": tenant, "name": "Chat", "channel": "webchat", "settings": {"wrapUpSeconds": 99999999999999999999}}
    huge = post("/api/v1/queues", queue, "pt-BR")
    assert huge.status_code == 400, huge.text
    error = huge.json()["error"]
    assert error["field"] == "settings.wrapUpSeconds", error
    assert "JSON" not in error["message"] and "grande demais" in error["message"], error
    english = post("/api/v1/queues", queue, "en").json()["error"]
    assert "too large" in english["message"], english

    slow = post("/api/v1/queues", {"tenantId": tenant, "name": "Chat", "channel": "webchat", "settings": {"offerTimeoutSeconds": 1}}, "pt-BR").json()["error"]
    assert slow["field"] == "settings.offerTimeoutSeconds" and "entre 5 e 600" in slow["message"], slow
    channel = post("/api/v1/queues", {"tenantId": tenant, "name": "Chat", "channel": "fax"}, "pt-BR").json()["error"]
    assert channel["field"] == "channel" and "voice, webchat, whatsapp" in channel["message"], channel
    wrong_type = post("/api/v1/queues", {"tenantId": tenant, "name": 42, "channel": "webchat"}, "pt-BR").json()["error"]
    assert wrong_type["field"] == "name" and "texto" in wrong_type["message"], wrong_type


# §2.7 Estimated wait of 0 when no agent is available.
def test_the_wait_is_unknown_when_nobody_can_answer_and_computed_from_service_otherwise(tmp_path, cleanup):
    sb, tenant, queue = ready_center(tmp_path, cleanup, wrapUpSeconds=0)
    user, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    sb.ok(sb.put(f"/api/v1/agents/{user}/capacity", {"voice": 1, "webchat": 1, "whatsapp": 1}, sb.support))
    site = sb.site(queue)

    def visitor(name):
        v = visitor_ws(sb, site["siteKey"])
        cleanup.append(v.close)
        v.type("welcome")
        assert v.request({"type": "start", "name": name, "text": "oi"})["type"] == "ack"
        return v

    first = visitor("Primeira")
    place = first.type("queue")
    assert place["estimatedWaitSeconds"] is None and place["agentsLoggedIn"] == 0, place
    # An agent serves one contact for a while: the queue now has a service history.
    agent = open_agent(sb, token, cleanup, queue)
    offer = agent.type("offer")
    assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    second = visitor("Segunda")
    time.sleep(2)
    assert agent.request({"type": "contact.close", "contactId": offer["contactId"]})["type"] == "ack"
    agent.type("offer")  # the second contact is offered to the now free agent: its line is gone
    third = visitor("Terceira")
    estimate = third.type("queue")
    assert isinstance(estimate["estimatedWaitSeconds"], int) and estimate["estimatedWaitSeconds"] >= 1, estimate
    assert estimate["agentsLoggedIn"] == 1


# §2.6 The web chat widget speaks only English.
def test_the_widget_follows_the_pages_language(tmp_path, cleanup):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    from interop import chromium, serve_html

    sb, tenant, queue = ready_center(tmp_path, cleanup)
    site = sb.site(queue)
    page = ('<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Loja</title></head><body><h1>Loja</h1>'
            f'<script src="{sb.base}/webchat/widget.js" data-site="{site["siteKey"]}" async></script></body></html>')
    server, url = serve_html(page)
    cleanup.append(server.shutdown)
    browser = chromium()
    cleanup.append(browser.quit)
    wait = WebDriverWait(browser, 20)
    browser.get(url)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".sbw-toggle"))).click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".sbw-start input")))
    inputs = browser.find_elements(By.CSS_SELECTOR, ".sbw-start input")
    assert inputs[0].get_attribute("placeholder") == "Seu nome"
    assert browser.find_element(By.CSS_SELECTOR, ".sbw-start button").text == "Iniciar conversa"
    inputs[0].send_keys("Maria")
    browser.find_element(By.CSS_SELECTOR, ".sbw-start button").click()
    # Nobody is logged in: the place in line is shown with the unknown wait, in Portuguese.
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-status"), "Você é o número 1 da fila"))
    assert "assim que" in browser.find_element(By.CSS_SELECTOR, ".sbw-status").text
    assert browser.find_element(By.CSS_SELECTOR, ".sbw-send button[type=submit]").text == "Enviar"


# §2.8 WhatsApp content dropped on the way in; a reaction opens a contact of its own.
def test_whatsapp_location_and_reactions_are_kept_and_a_reaction_is_not_a_contact(tmp_path, cleanup):
    from chathelpers import post_webhook, wa_payload, wa_text
    phone = "106540352242922"
    sb, graph, tenant, queue = whatsapp_center(tmp_path, cleanup, {phone: "EAAG-test-token"})
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    agent = open_agent(sb, token, cleanup, queue)
    customer = "5511977770000"
    now = str(int(time.time()))

    assert post_webhook(sb, wa_payload(phone, [wa_text("wamid.T1", customer, "Onde fica a loja?")])).status_code == 200
    offer = agent.type("offer")
    assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    contact = agent.type("contact.assigned")["contact"]
    first_id = contact["messages"][0]["id"]

    location = {"from": customer, "id": "wamid.L1", "timestamp": now, "type": "location",
                "location": {"latitude": -23.5613, "longitude": -46.6565, "name": "Av. Paulista", "address": "Av. Paulista, 1000"}}
    assert post_webhook(sb, wa_payload(phone, [location])).status_code == 200
    shown = agent.type("message")["message"]
    assert shown["details"]["latitude"] == -23.5613 and shown["details"]["longitude"] == -46.6565, shown
    assert shown["details"]["name"] == "Av. Paulista"

    reaction = {"from": customer, "id": "wamid.R1", "timestamp": now, "type": "reaction", "reaction": {"message_id": "wamid.T1", "emoji": "👍"}}
    assert post_webhook(sb, wa_payload(phone, [reaction])).status_code == 200
    reacted = agent.type("message.reaction")
    assert reacted["contactId"] == offer["contactId"] and reacted["messageId"] == first_id and reacted["emoji"] == "👍", reacted

    # A reaction from someone with no conversation opens nothing.
    stray = {"from": "5511900000001", "id": "wamid.R2", "timestamp": now, "type": "reaction", "reaction": {"message_id": "wamid.unknown", "emoji": "❤️"}}
    assert post_webhook(sb, wa_payload(phone, [stray])).status_code == 200
    with pytest.raises(AssertionError):
        agent.type("offer", timeout=2)

    # A new tab sees the reaction on the message it reacts to, and the location's coordinates.
    again = agent_ws(sb, token)
    cleanup.append(again.close)
    welcome = again.type("welcome")
    messages = welcome["contacts"][0]["messages"]
    target = next(m for m in messages if m["id"] == first_id)
    assert target["reaction"] == "👍", target
    assert all(m["kind"] != "reaction" for m in messages), messages  # shown on their target, not as messages
    assert any(m.get("details", {}) and m["details"].get("latitude") == -23.5613 for m in messages)


# §2.9 Consistency: one spelling of ids and field names everywhere.
def test_ids_are_lower_case_and_fields_camel_case_everywhere(tmp_path, cleanup):
    import re
    upper_uuid = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    user, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    sb.ok(requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"name": "Ana Souza"}, headers=sb.h(sb.support), timeout=10))
    site = sb.site(queue)
    audit = sb.get(f"/api/v1/audit?tenantId={tenant}", sb.support)
    assert not upper_uuid.search(audit.text), upper_uuid.search(audit.text).group(0)
    for entry in audit.json():
        for side in (entry.get("before"), entry.get("after")):
            if side and side.startswith("{"):
                keys = json.loads(side).keys()
                assert not [k for k in keys if k.endswith("ID")], (entry["action"], list(keys))
    assert site["id"] == site["id"].lower()
    sites = sb.get(f"/api/v1/chat-sites?tenantId={tenant}", sb.support)
    assert not upper_uuid.search(sites.text), sites.text

    agent = open_agent(sb, token, cleanup, queue)
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    v.type("welcome")
    started = v.request({"type": "start", "name": "Cliente", "text": "oi"})
    offer = agent.type("offer")
    assert started["conversationId"] == started["conversationId"].lower() == offer["contactId"], (started, offer)
    ack = agent.request({"type": "offer.accept", "contactId": offer["contactId"].upper()})  # any case is read
    assert ack["type"] == "ack" and ack["contactId"] == offer["contactId"], ack
    assigned = agent.type("contact.assigned")
    assert not upper_uuid.search(json.dumps(assigned)), assigned


# §1.6 Key rotation: every sealed secret moves to a new key, and the server works with it.
def test_rotating_the_secret_key_reseals_every_secret(tmp_path, cleanup):
    from chathelpers import post_webhook, wa_payload, wa_text
    phone = "106540352242922"
    sb, graph, tenant, queue = whatsapp_center(tmp_path, cleanup, {phone: "EAAG-test-token"})
    data = tmp_path / "data"
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    sb.stop()
    old_key = (data / "secret.key").read_text()

    env = dict(os.environ, SWITCHBOARD_DATA_DIR=str(data))
    env.pop("SWITCHBOARD_SECRET_KEY", None)
    rotated = subprocess.run([BIN, "secrets", "rotate"], capture_output=True, text=True, env=env, timeout=60)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "1 WhatsApp token" in rotated.stdout, rotated.stdout
    new_key = (data / "secret.key").read_text()
    assert new_key != old_key and len(new_key.strip()) == 44
    backups = list(data.glob("secret.key.old-*"))
    assert len(backups) == 1 and backups[0].read_text() == old_key
    assert oct((data / "secret.key").stat().st_mode & 0o777) == "0o600"
    assert not (data / "secret.key.next").exists()

    # The server starts on the new key and still sends with the token it sealed under the old one.
    sb.start()
    agent = open_agent(sb, token, cleanup, queue)
    assert post_webhook(sb, wa_payload(phone, [wa_text("wamid.ROT1", "5511966660000", "oi")])).status_code == 200
    offer = agent.type("offer")
    assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    assert agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "Olá"})["type"] == "ack"
    agent.type("message.status", status="sent", timeout=20)
    assert graph.requests[-1]["auth"] == "Bearer EAAG-test-token"
    sb.stop()

    # A key that cannot open the stored secrets changes nothing.
    (data / "secret.key").write_text(old_key)
    refused = subprocess.run([BIN, "secrets", "rotate"], capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode != 0 and "Nothing was changed" in refused.stderr + refused.stdout, refused.stderr
    assert (data / "secret.key").read_text() == old_key and not (data / "secret.key.next").exists()


# §1.12 Channel admin changes (chat sites, numbers, business hours, capacity) bypass the directory's audit.
def test_channel_administration_is_audited(tmp_path, cleanup):
    sb, tenant, queue = ready_center(tmp_path, cleanup)
    user, _ = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    site = sb.ok(sb.post("/api/v1/chat-sites", {"queueId": queue, "name": "Loja"}, sb.support))
    sb.ok(sb.put(f"/api/v1/chat-sites/{site['id']}", {"allowedOrigins": ["https://loja.example"]}, sb.support))
    hours = {"timeZone": "America/Sao_Paulo", "week": {"mon": [{"open": "08:00", "close": "18:00"}]}, "outsideHours": "refuse"}
    sb.ok(sb.put(f"/api/v1/queues/{queue}/business-hours", hours, sb.support))
    assert requests.delete(f"{sb.base}/api/v1/queues/{queue}/business-hours", headers=sb.h(sb.support), timeout=10).status_code == 204
    sb.ok(sb.put(f"/api/v1/agents/{user}/capacity", {"voice": 1, "webchat": 2, "whatsapp": 3}, sb.support))
    audit = sb.ok(sb.get(f"/api/v1/audit?tenantId={tenant}", sb.support))
    actions = [e["action"] for e in audit]
    for action in ("chat_site.created", "chat_site.updated", "queue.business_hours_set", "queue.business_hours_removed", "agent.capacity_set"):
        assert action in actions, (action, actions)
    updated = next(e for e in audit if e["action"] == "chat_site.updated")
    assert "https://loja.example" in updated["after"] and updated["entityId"] == site["id"]
    assert all(e.get("actorId") for e in audit if e["action"].startswith(("chat_site", "queue.business", "agent.capacity")))
