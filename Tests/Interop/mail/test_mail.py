"""Issue 5, Mail: the real switchboard binary delivering to a real SMTP server (aiosmtpd) on loopback."""
import ssl
import time
import urllib.parse

import pytest

from mailhelpers import Recorder, Switchboard, free_port, link_of, make_ca, start_smtp, text_of, wait_for


def subjects(messages):
    return [str(m["message"]["subject"]) for m in messages]


def token_of(link):
    return urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]


def follow_reset(sb, message, password):
    link = link_of(message)
    assert link and link.startswith(sb.base + "/reset-password?token="), link
    page = sb.get(link[len(sb.base):])
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    done = sb.post("/api/v1/password-reset/complete", {"token": token_of(link), "password": password})
    assert done.status_code == 204, done.text


def follow_confirm(sb, message):
    link = link_of(message)
    assert link and link.startswith(sb.base + "/confirm-email?token="), link
    assert sb.get(link[len(sb.base):]).status_code == 200
    done = sb.post("/api/v1/email-confirmation", {"token": token_of(link)})
    assert done.status_code == 204, done.text


def test_both_email_sequences_arrive_in_order_with_working_links(tmp_path, cleanup):
    recorder = Recorder()
    smtp_port = free_port()
    cleanup.append(start_smtp(smtp_port, recorder).stop)
    sb = Switchboard(tmp_path, f"smtp://127.0.0.1:{smtp_port}")
    cleanup.append(sb.stop)
    tenant = sb.tenant("acme")

    # New omnichannel user (pt-BR): reset link, extension, password changed, confirm link, verified.
    sb.create_user(tenant, "ana@acme.test", extension="2001", webrtcEnabled=True, omnichannelEnabled=True)
    ana = wait_for(lambda: len(recorder.received("ana@acme.test")) >= 2 and recorder.received("ana@acme.test"), what="2 mails to ana")
    follow_reset(sb, ana[0]["message"], "S3nha!forte")
    ana = wait_for(lambda: len(recorder.received("ana@acme.test")) >= 4 and recorder.received("ana@acme.test"), what="4 mails to ana")
    follow_confirm(sb, ana[3]["message"])
    ana = wait_for(lambda: len(recorder.received("ana@acme.test")) >= 5 and recorder.received("ana@acme.test"), what="5 mails to ana")
    assert subjects(ana) == [
        "Defina sua senha no Acme acme · Switchboard",
        "Um ramal foi associado ao seu usuário",
        "Sua senha foi alterada",
        "Confirme seu endereço de e-mail",
        "Seu e-mail foi verificado",
    ]
    assert all(m["to"] == ["ana@acme.test"] for m in ana)
    assert all(m["message"]["to"].addresses[0].addr_spec == "ana@acme.test" for m in ana)
    assert all(m["message"]["from"].addresses[0].display_name == "Acme acme" for m in ana)
    assert all(m["message"].get_content_type() == "multipart/alternative" for m in ana)
    assert all(m["message"]["Message-ID"] and m["message"]["Date"] for m in ana)
    assert "2001" in text_of(ana[1]["message"])
    assert "Olá, Ana Lúcia." in text_of(ana[4]["message"])
    login = sb.post("/api/v1/auth/login", {"email": "ana@acme.test", "password": "S3nha!forte"})
    assert login.status_code == 200, login.text

    # Existing agent (English) enabled for omnichannel, then Actions -> Reset password:
    # reset link, password changed, confirm link, verified.
    bob = sb.create_user(tenant, "bob@acme.test", language="en")
    wait_for(lambda: recorder.received("bob@acme.test"), what="first mail to bob")
    edit = sb.patch(f"/api/v1/users/{bob}?confirm=true", {"webrtcEnabled": True, "omnichannelEnabled": True}, sb.support)
    assert edit.status_code == 200, edit.text
    start = len(recorder.received("bob@acme.test"))
    assert sb.post(f"/api/v1/users/{bob}/reset-password", token=sb.support).status_code == 202
    fresh = lambda: recorder.received("bob@acme.test")[start:]  # noqa: E731
    wait_for(lambda: len(fresh()) >= 1, what="reset mail to bob")
    follow_reset(sb, fresh()[0]["message"], "B0b!secure")
    wait_for(lambda: len(fresh()) >= 3, what="3 mails to bob")
    follow_confirm(sb, fresh()[2]["message"])
    wait_for(lambda: len(fresh()) >= 4, what="4 mails to bob")
    assert subjects(fresh()) == [
        "Set your Acme acme · Switchboard password",
        "Your password was changed",
        "Confirm your e-mail address",
        "Your e-mail address is verified",
    ]
    assert "Hello, Ana Lúcia." in text_of(fresh()[3]["message"])
    assert sb.post("/api/v1/auth/login", {"email": "bob@acme.test", "password": "B0b!secure"}).status_code == 200
    wait_for(lambda: sb.outbox("pending") == [], what="every row marked sent")
    assert sb.outbox("dead") == []


def test_starttls_with_test_ca_and_auth(tmp_path, cleanup):
    paths = make_ca(str(tmp_path))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(paths["server.pem"], paths["server.key"])
    recorder = Recorder()
    smtp_port = free_port()
    cleanup.append(start_smtp(smtp_port, recorder, tls_context=context, require_starttls=True,
                              authenticator=recorder.authenticator, auth_required=True).stop)

    # Without the CA file, certificate verification (on by default) refuses the server: nothing is sent.
    (tmp_path / "untrusted").mkdir()
    untrusted = Switchboard(tmp_path / "untrusted", f"smtp://mailer:s3cret%20p%40ss@localhost:{smtp_port}")
    cleanup.append(untrusted.stop)
    untrusted.create_user(untrusted.tenant("acme"), "eve@acme.test")
    pending = wait_for(lambda: [m for m in untrusted.outbox("pending") if m.get("lastError")], what="a failed TLS attempt")
    assert pending[0]["attempts"] >= 1
    print("untrusted CA:", pending[0]["lastError"])
    assert "certificate" in pending[0]["lastError"].lower() or "handshake" in pending[0]["lastError"].lower(), pending[0]["lastError"]
    assert "s3cret" not in pending[0]["lastError"]
    stderr = untrusted.stop()
    assert recorder.received() == []
    assert "s3cret" not in stderr and "s3cret" not in untrusted.banner

    # With the test CA trusted: STARTTLS, AUTH, delivered.
    (tmp_path / "trusted").mkdir()
    sb = Switchboard(tmp_path / "trusted", f"smtp://mailer:s3cret%20p%40ss@localhost:{smtp_port}", ca_file=paths["ca.pem"])
    cleanup.append(sb.stop)
    sb.create_user(sb.tenant("acme"), "ana@acme.test")
    got = wait_for(lambda: recorder.received("ana@acme.test"), what="mail over STARTTLS")
    assert got[0]["tls"] and got[0]["authenticated"]
    assert ("PLAIN", True) in recorder.auth
    wait_for(lambda: sb.outbox("pending") == [], what="the row marked sent")
    stderr = sb.stop()
    assert "s3cret" not in stderr and "s3cret" not in sb.banner


def test_server_down_when_queued_then_up_every_message_exactly_once(tmp_path, cleanup):
    recorder = Recorder()
    smtp_port = free_port()  # nothing listens here yet
    sb = Switchboard(tmp_path, f"smtp://127.0.0.1:{smtp_port}")
    cleanup.append(sb.stop)
    tenant = sb.tenant("acme")
    for name in ("ana", "bia", "caio"):
        sb.create_user(tenant, f"{name}@acme.test", extension=str(2000 + len(name) + ord(name[0])))
    queued = wait_for(lambda: [m for m in sb.outbox("pending") if m.get("lastError")], what="a refused connection recorded")
    assert len(sb.outbox("pending")) == 6
    assert queued[0]["attempts"] >= 1

    cleanup.append(start_smtp(smtp_port, recorder).stop)
    wait_for(lambda: len(recorder.received()) >= 6, timeout=60, what="all 6 mails after the server came up")
    time.sleep(3)  # a duplicate would show up within a couple of worker rounds
    ids = [str(m["message"]["Message-ID"]) for m in recorder.received()]
    assert len(ids) == 6 and len(set(ids)) == 6
    for name in ("ana", "bia", "caio"):
        assert len(recorder.received(f"{name}@acme.test")) == 2
    assert sb.outbox("pending") == [] and sb.outbox("dead") == []

    # A restart on the same data sends nothing again.
    sb.stop()
    again = Switchboard(tmp_path, f"smtp://127.0.0.1:{smtp_port}", login=False)
    cleanup.append(again.stop)
    time.sleep(3)
    assert len(recorder.received()) == 6


def test_550_dead_letters_with_server_text_visible_and_resendable(tmp_path, cleanup):
    recorder = Recorder()
    recorder.reject.add("nobody@acme.test")
    smtp_port = free_port()
    cleanup.append(start_smtp(smtp_port, recorder).stop)
    sb = Switchboard(tmp_path, f"smtp://127.0.0.1:{smtp_port}")
    cleanup.append(sb.stop)
    tenant = sb.tenant("acme")
    sb.create_user(tenant, "nobody@acme.test")
    sb.create_user(tenant, "ana@acme.test")
    dead = wait_for(lambda: sb.outbox("dead"), what="a dead letter")
    assert len(dead) == 1
    assert dead[0]["recipient"] == "nobody@acme.test"
    assert dead[0]["kind"] == "password_reset"
    assert dead[0]["status"] == "dead"
    assert dead[0]["lastError"] == "550 5.1.1 <nobody@acme.test>: Recipient address rejected: User unknown"
    assert "link" not in dead[0]
    wait_for(lambda: recorder.received("ana@acme.test"), what="the next message still delivered")
    assert recorder.received("nobody@acme.test") == []

    # Only support sees the outbox: not anonymous callers, not a tenant's administrator.
    assert sb.get("/api/v1/outbox?status=dead").status_code == 401
    sb.create_user(tenant, "adm@acme.test", role="admin")
    adm = wait_for(lambda: recorder.received("adm@acme.test"), what="admin reset mail")
    follow_reset(sb, adm[0]["message"], "Adm1n!pass")
    adm = wait_for(lambda: len(recorder.received("adm@acme.test")) >= 3 and recorder.received("adm@acme.test"), what="admin confirm mail")
    follow_confirm(sb, adm[2]["message"])
    admin_token = sb.post("/api/v1/auth/login", {"email": "adm@acme.test", "password": "Adm1n!pass"}).json()["token"]
    assert sb.get("/api/v1/outbox?status=dead", admin_token).status_code == 403
    assert sb.post(f"/api/v1/outbox/{dead[0]['sequence']}/resend", token=admin_token).status_code == 403
    assert sb.get("/api/v1/outbox?status=sent", token=sb.support).status_code == 400

    # Support fixes the mailbox and re-sends: it arrives once, with a working link.
    recorder.reject.clear()
    resend = sb.post(f"/api/v1/outbox/{dead[0]['sequence']}/resend", token=sb.support)
    assert resend.status_code == 202, resend.text
    got = wait_for(lambda: recorder.received("nobody@acme.test"), what="the re-sent message")
    assert len(got) == 1
    follow_reset(sb, got[0]["message"], "N0body!pass")
    assert sb.outbox("dead") == []
    wait_for(lambda: sb.outbox("pending") == [], what="every row marked sent")
    again = sb.post(f"/api/v1/outbox/{dead[0]['sequence']}/resend", token=sb.support)
    assert again.status_code == 409, again.text
    assert sb.post("/api/v1/outbox/999999/resend", token=sb.support).status_code == 404
