"""Issue 6: WhatsApp Cloud API webhooks (signed payloads posted to the real server) and replies through a
local fake Graph API that can answer 429/500."""
import time

from chathelpers import (FakeGraph, Switchboard, agent_ws, post_webhook, signed, wa_payload, wa_text, wait_for)

import requests

PHONE = "106540352242922"


def whatsapp(tmp_path, cleanup, agents=1):
    graph = FakeGraph()
    cleanup.append(graph.stop)
    graph.owned[PHONE] = "EAAG-test-token"
    sb = Switchboard(tmp_path / "data", graph_url=graph.url)
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    queue = sb.queue(tenant, "WhatsApp", "whatsapp", wrapUpSeconds=60, offerTimeoutSeconds=60)
    number = sb.ok(sb.put(f"/api/v1/whatsapp-numbers/{PHONE}", {"queueId": queue, "displayName": "Loja", "accessToken": "EAAG-test-token",
                                                                "stickyWindowMinutes": 60}, sb.support))
    assert "accessToken" not in number
    people = []
    for n in range(agents):
        user, token = sb.ready_agent(tenant, f"wa{n}@loja.test", f"Atendente {n}", [queue])
        ws = agent_ws(sb, token)
        cleanup.append(ws.close)
        ws.type("welcome")
        assert ws.request({"type": "queue.login", "queueId": queue})["type"] == "ack"
        people.append((user, ws))
    return sb, graph, queue, people


def accept_next(ws):
    offer = ws.type("offer")
    assert ws.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    return offer, ws.type("contact.assigned")["contact"]


def test_verification_and_signatures(tmp_path, cleanup):
    sb, _, queue, [(_, agent)] = whatsapp(tmp_path, cleanup)
    ok = sb.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "verify-me-please", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.text == "1158201444"
    assert sb.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}).status_code == 403

    body = wa_payload(PHONE, [wa_text("wamid.SIG1", "5511999990000", "olá")], contacts=[{"profile": {"name": "Carla"}, "wa_id": "5511999990000"}])
    assert post_webhook(sb, body, signature=False).status_code == 401
    assert post_webhook(sb, body, signature="sha256=" + "0" * 64).status_code == 401
    raw, headers = signed(body)
    tampered = raw.replace(b"ol\\u00e1", b"tchau")
    assert requests.post(sb.base + "/webhooks/whatsapp", data=tampered + b" ", headers=headers, timeout=10).status_code == 401
    assert sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))["offered"] == 0
    # Nothing was stored: the same message, signed, is new (not a duplicate).
    reply = post_webhook(sb, body)
    assert reply.status_code == 200 and reply.json() == {"received": 1, "duplicates": 0, "statuses": 0, "rejected": 0}
    offer = agent.type("offer")
    assert offer["channel"] == "whatsapp" and offer["customer"] == {"name": "Carla", "address": "5511999990000", "email": None}


def test_message_types_batches_duplicates_and_unsupported(tmp_path, cleanup):
    sb, _, _, [(_, agent)] = whatsapp(tmp_path, cleanup)
    customer = "5521988887777"
    first = wa_payload(PHONE, [wa_text("wamid.T1", customer, "Oi, quero trocar um produto")],
                       contacts=[{"profile": {"name": "Bruno"}, "wa_id": customer}])
    assert post_webhook(sb, first).json()["received"] == 1
    offer, contact = accept_next(agent)
    assert [m["text"] for m in contact["messages"]] == ["Oi, quero trocar um produto"]

    now = str(int(time.time()))
    image = {"from": customer, "id": "wamid.I1", "timestamp": now, "type": "image",
             "image": {"caption": "foto do defeito", "mime_type": "image/jpeg", "sha256": "abc", "id": "1234567890"}}
    location = {"from": customer, "id": "wamid.L1", "timestamp": now, "type": "location",
                "location": {"latitude": -23.5614, "longitude": -46.6559, "name": "Loja Paulista", "address": "Av. Paulista, 1000"}}
    interactive = {"from": customer, "id": "wamid.X1", "timestamp": now, "type": "interactive",
                   "interactive": {"type": "button_reply", "button_reply": {"id": "troca", "title": "Quero trocar"}}}
    unknown = {"from": customer, "id": "wamid.U1", "timestamp": now, "type": "order", "order": {"catalog_id": "1"}}
    # One request, two entries, several messages (a batch), as Meta sends them.
    batch = wa_payload(PHONE, [image, location])
    batch["entry"].append(wa_payload(PHONE, [interactive, unknown])["entry"][0])
    reply = post_webhook(sb, batch)
    assert reply.status_code == 200 and reply.json()["received"] == 4
    kinds = [agent.type("message")["message"] for _ in range(4)]
    assert [m["kind"] for m in kinds] == ["image", "location", "interactive", "order"]
    assert kinds[0]["attachment"]["mediaId"] == "1234567890" and "foto do defeito" in kinds[0]["text"]
    assert "Av. Paulista" in kinds[1]["text"]
    assert "Quero trocar" in kinds[2]["text"]
    assert "unsupported" in kinds[3]["text"].lower()

    # Meta retries: the same wamids again are ignored, nothing reaches the agent twice.
    again = post_webhook(sb, batch)
    assert again.status_code == 200 and again.json() == {"received": 0, "duplicates": 4, "statuses": 0, "rejected": 0}
    import pytest
    with pytest.raises(AssertionError):
        agent.type("message", timeout=1.5)
    assert post_webhook(sb, wa_payload(PHONE, [wa_text("wamid.T2", customer, "mais uma")])).json()["received"] == 1
    assert agent.type("message")["message"]["text"] == "mais uma"


def test_replies_go_to_graph_with_retries_and_statuses_reach_the_agent(tmp_path, cleanup):
    sb, graph, _, [(_, agent)] = whatsapp(tmp_path, cleanup)
    customer = "5531977776666"
    post_webhook(sb, wa_payload(PHONE, [wa_text("wamid.R1", customer, "Preciso de ajuda")]))
    offer, _ = accept_next(agent)

    graph.script = [429, 500]
    ack = agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "Olá! Em que posso ajudar? \"aspas\" ✓"})
    assert ack["type"] == "ack"
    sent = agent.type("message.status", status="sent", timeout=20)
    assert sent["messageId"] == ack["messageId"]
    assert len(graph.requests) == 3, graph.requests
    request = graph.requests[-1]
    assert request["path"] == f"/v21.0/{PHONE}/messages" and request["auth"] == "Bearer EAAG-test-token"
    assert request["body"]["to"] == customer and request["body"]["type"] == "text"
    assert request["body"]["text"]["body"] == "Olá! Em que posso ajudar? \"aspas\" ✓"
    assert request["body"]["messaging_product"] == "whatsapp"
    metrics = sb.get("/metrics").text
    assert 'switchboard_whatsapp_sends_total{result="retry"} 2' in metrics, metrics
    assert 'switchboard_whatsapp_sends_total{result="sent"} 1' in metrics

    wamid = "wamid.OUT3"
    statuses = [{"id": wamid, "status": s, "timestamp": str(int(time.time())), "recipient_id": customer} for s in ("delivered", "read")]
    assert post_webhook(sb, wa_payload(PHONE, statuses=statuses)).json()["statuses"] == 2
    assert agent.type("message.status", status="delivered")["messageId"] == ack["messageId"]
    assert agent.type("message.status", status="read")["messageId"] == ack["messageId"]
    # A late "delivered" after "read" does not move the status back.
    assert post_webhook(sb, wa_payload(PHONE, statuses=statuses[:1])).json()["statuses"] == 0

    image = agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "foto",
                           "attachment": {"url": "https://files.loja.test/p.jpg", "mimeType": "image/jpeg"}})
    assert image["type"] == "ack"
    agent.type("message.status", status="sent", messageId=image["messageId"])
    media = graph.requests[-1]["body"]
    assert media["type"] == "image" and media["image"]["link"] == "https://files.loja.test/p.jpg" and media["image"]["caption"] == "foto"

    failed = [{"id": wamid, "status": "failed", "timestamp": str(int(time.time())), "recipient_id": customer,
               "errors": [{"code": 131026, "title": "Message undeliverable"}]}]
    assert post_webhook(sb, wa_payload(PHONE, statuses=failed)).json()["statuses"] == 1
    fail = agent.type("message.status", status="failed")
    assert "131026" in fail["error"]


def test_replies_outside_the_24_hour_window_are_refused(tmp_path, cleanup):
    sb, graph, _, [(_, agent)] = whatsapp(tmp_path, cleanup)
    old = time.time() - 25 * 3600
    post_webhook(sb, wa_payload(PHONE, [wa_text("wamid.OLD", "5541966665555", "mensagem antiga", ts=old)]))
    offer, contact = accept_next(agent)
    refused = agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "oi"})
    assert refused["type"] == "error" and refused["code"] == "window_closed", refused
    time.sleep(0.5)
    assert graph.requests == []


def test_returning_customer_goes_back_to_the_same_agent_first(tmp_path, cleanup):
    sb, _, _, people = whatsapp(tmp_path, cleanup, agents=2)
    customer = "5551955554444"
    post_webhook(sb, wa_payload(PHONE, [wa_text("wamid.S1", customer, "primeira conversa")]))
    # Whoever got it serves it; the other agent is then the longest idle.
    served = None
    for user, ws in people:
        try:
            offer = ws.type("offer", timeout=3)
        except AssertionError:
            continue
        assert ws.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
        assert ws.request({"type": "contact.close", "contactId": offer["contactId"]})["type"] == "ack"
        assert ws.request({"type": "wrapup.end", "contactId": offer["contactId"]})["type"] == "ack"
        ws.type("wrapup.ended")
        served = (user, ws)
        break
    assert served
    post_webhook(sb, wa_payload(PHONE, [wa_text("wamid.S2", customer, "voltei")]))
    again = served[1].type("offer")
    assert again["customer"]["address"] == customer
    other = [ws for user, ws in people if user != served[0]][0]
    import pytest
    with pytest.raises(AssertionError):
        other.type("offer", timeout=1.0)
