"""Issue 6: web chat visitors and agent workspaces over real WebSockets against the real binary."""
import datetime
import json

import pytest
from websockets.exceptions import ConnectionClosed

from chathelpers import Switchboard, agent_ws, visitor_ws, wait_for


def center(tmp_path, cleanup, capacity=None, agents=1, visitor_grace=2, **queue_settings):
    sb = Switchboard(tmp_path / "data", visitor_grace=visitor_grace)
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    settings = {"wrapUpSeconds": 60, "offerTimeoutSeconds": 60}
    settings.update(queue_settings)
    queue = sb.queue(tenant, "Chat do site", "webchat", **settings)
    site = sb.site(queue)
    people = []
    for n in range(agents):
        user, token = sb.ready_agent(tenant, f"agent{n}@loja.test", f"Agente {n}", [queue])
        if capacity is not None:
            sb.ok(sb.put(f"/api/v1/agents/{user}/capacity", {"voice": 1, "webchat": capacity, "whatsapp": 5}, sb.support))
        people.append((user, token))
    return sb, tenant, queue, site, people


def open_agent(sb, token, cleanup, queue=None, available=True):
    ws = agent_ws(sb, token)
    cleanup.append(ws.close)
    welcome = ws.type("welcome")
    if queue:
        ack = ws.request({"type": "queue.login", "queueId": queue})
        assert ack["type"] == "ack" and ack["loggedIn"] is True, ack
    ack = ws.request({"type": "state.set", "state": "available"} if available else {"type": "state.set", "state": "paused", "reason": "break"})
    assert ack["type"] == "ack", ack
    return ws, welcome


def start_visitor(sb, site, cleanup, name, text=None):
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    welcome = v.type("welcome")
    assert welcome["open"] is True and welcome["site"] == "Loja"
    message = {"type": "start", "name": name}
    if text:
        message["text"] = text
    ack = v.request(message)
    assert ack["type"] == "ack" and ack["status"] == "waiting", ack
    return v, ack


def test_visitor_writes_agent_answers_closes_wraps_up_and_gets_the_next_contact(tmp_path, cleanup):
    sb, _, queue, site, [(user, token)] = center(tmp_path, cleanup, capacity=1)
    agent, welcome = open_agent(sb, token, cleanup, queue, available=False)
    assert welcome["agent"]["name"] == "Agente 0" and welcome["queues"][0]["id"] == queue

    maria, started = start_visitor(sb, site, cleanup, "Maria", "Olá, preciso de ajuda com meu pedido")
    place = maria.type("queue")
    # The only agent is paused and the queue has served nobody yet: the wait is unknown, not "0".
    assert place["position"] == 1 and place["estimatedWaitSeconds"] is None and place["agentsLoggedIn"] == 1, place
    joao, _ = start_visitor(sb, site, cleanup, "João", "Oi")
    assert joao.type("queue")["position"] == 2

    assert agent.request({"type": "state.set", "state": "available"})["type"] == "ack"
    offer = agent.type("offer")
    assert offer["channel"] == "webchat" and offer["customer"]["name"] == "Maria" and offer["queue"]["name"] == "Chat do site"
    assert offer["contactId"] == started["conversationId"] and offer["deadline"] and offer["waitingSeconds"] >= 0
    assert offer["preview"] == "Olá, preciso de ajuda com meu pedido"
    assert joao.type("queue", position=1)["position"] == 1

    ack = agent.request({"type": "offer.accept", "contactId": offer["contactId"]})
    assert ack["type"] == "ack", ack
    assigned = agent.type("contact.assigned")
    assert [m["text"] for m in assigned["contact"]["messages"]] == ["Olá, preciso de ajuda com meu pedido"]
    assert maria.type("assigned")["agent"] == "Agente 0"

    assert agent.request({"type": "typing", "contactId": offer["contactId"], "active": True})["type"] == "ack"
    assert maria.type("typing")["active"] is True
    assert agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "Bom dia, Maria! Como posso ajudar?"})["type"] == "ack"
    reply = maria.type("message")["message"]
    assert reply["text"] == "Bom dia, Maria! Como posso ajudar?" and reply["from"] == "agent"
    assert maria.request({"type": "message", "text": "O pedido 123 não chegou"})["type"] == "ack"
    got = agent.recv_until(lambda m: m.get("type") == "message" and m["message"]["direction"] == "inbound", what="inbound message")
    assert got["contactId"] == offer["contactId"] and got["message"]["text"] == "O pedido 123 não chegou" and got["message"]["direction"] == "inbound"

    assert agent.request({"type": "contact.close", "contactId": offer["contactId"]})["type"] == "ack"
    assert maria.type("closed")["reason"] == "agent_closed"
    agent.type("wrapup.started")
    # Capacity 1: nothing is offered during wrap-up.
    with pytest.raises(AssertionError):
        agent.type("offer", timeout=1.5)
    assert agent.request({"type": "wrapup.end", "contactId": offer["contactId"]})["type"] == "ack"
    agent.type("wrapup.ended")
    nxt = agent.type("offer")
    assert nxt["customer"]["name"] == "João"
    assert joao.type("queue", offered=True)["position"] == 1

    stats = sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))
    assert stats["answered"] == 1, stats


def test_two_agents_with_capacity_two_and_five_chats(tmp_path, cleanup):
    sb, _, queue, site, people = center(tmp_path, cleanup, capacity=2, agents=2)
    agents = [open_agent(sb, token, cleanup, queue)[0] for _, token in people]
    visitors = [start_visitor(sb, site, cleanup, f"Cliente {n}", f"mensagem {n}") for n in range(5)]
    held = {0: [], 1: []}
    for _ in range(4):
        for i, agent in enumerate(agents):
            try:
                offer = agent.type("offer", timeout=1.0)
            except AssertionError:
                continue
            assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
            held[i].append(offer["contactId"])
        if sum(len(h) for h in held.values()) == 4:
            break
    assert sorted(len(h) for h in held.values()) == [2, 2], held
    for agent in agents:
        with pytest.raises(AssertionError):
            agent.type("offer", timeout=1.5)
    fifth = visitors[4][0]
    assert fifth.type("queue")["position"] == 1
    for user, _ in people:
        state = sb.ok(sb.get(f"/api/v1/agents/{user}/state", sb.support))
        assert state["load"]["webchat"] == 2, state

    contact = held[0][0]
    assert agents[0].request({"type": "contact.close", "contactId": contact})["type"] == "ack"
    assert agents[0].request({"type": "wrapup.end", "contactId": contact})["type"] == "ack"
    offer = agents[0].type("offer")
    assert offer["contactId"] == visitors[4][1]["conversationId"]


def test_several_tabs_first_accept_wins(tmp_path, cleanup):
    sb, _, queue, site, [(user, token)] = center(tmp_path, cleanup)
    tab1, _ = open_agent(sb, token, cleanup, queue)
    tab2 = agent_ws(sb, token)
    cleanup.append(tab2.close)
    tab2.type("welcome")
    _, started = start_visitor(sb, site, cleanup, "Rita", "Olá")
    o1, o2 = tab1.type("offer"), tab2.type("offer")
    assert o1["contactId"] == o2["contactId"] == started["conversationId"]
    assert tab1.request({"type": "offer.accept", "contactId": o1["contactId"]})["type"] == "ack"
    late = tab2.request({"type": "offer.accept", "contactId": o2["contactId"]})
    assert late["type"] == "error" and late["code"] == "already_accepted", late
    assert tab2.type("contact.assigned")["contact"]["contactId"] == o1["contactId"]


def test_reconnect_within_grace_gets_contacts_and_missed_messages_after_grace_logged_out_and_rerouted(tmp_path, cleanup):
    sb, _, queue, site, [(a_user, a_token), (b_user, b_token)] = center(tmp_path, cleanup, agents=2)
    a, _ = open_agent(sb, a_token, cleanup, queue)
    b, _ = open_agent(sb, b_token, cleanup, queue, available=False)
    rita, started = start_visitor(sb, site, cleanup, "Rita", "Olá")
    offer = a.type("offer")
    assert a.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    rita.type("assigned")
    a.close()
    assert rita.request({"type": "message", "text": "Ainda está aí?"})["type"] == "ack"

    a2 = agent_ws(sb, a_token)
    cleanup.append(a2.close)
    welcome = a2.type("welcome")
    [contact] = welcome["contacts"]
    assert contact["contactId"] == started["conversationId"]
    assert [m["text"] for m in contact["messages"]] == ["Olá", "Ainda está aí?"]

    # A new contact offered to A (B is paused); A drops and does not come back.
    paulo, second = start_visitor(sb, site, cleanup, "Paulo", "Bom dia")
    assert a2.type("offer")["contactId"] == second["conversationId"]
    a2.close()
    members = lambda: sb.ok(sb.get(f"/api/v1/queues/{queue}/members", sb.support))  # noqa: E731
    wait_for(lambda: any(m["userId"] == a_user and not m["loggedIn"] for m in members()), timeout=15, what="A logged out after grace")
    assert b.request({"type": "state.set", "state": "available"})["type"] == "ack"
    assert b.type("offer")["contactId"] == second["conversationId"]
    # A's accepted conversation is not lost: it is still A's after the grace period.
    a3 = agent_ws(sb, a_token)
    cleanup.append(a3.close)
    assert [c["contactId"] for c in a3.type("welcome")["contacts"]] == [started["conversationId"]]


def test_confirmed_admin_edit_logs_agent_out_and_tells_the_workspace(tmp_path, cleanup):
    sb, _, queue, _, [(user, token)] = center(tmp_path, cleanup)
    agent, _ = open_agent(sb, token, cleanup, queue)
    import requests
    reply = requests.patch(f"{sb.base}/api/v1/users/{user}?confirm=true", json={"name": "Agente Renomeado"}, headers=sb.h(sb.support), timeout=10)
    assert reply.status_code == 200, reply.text
    notice = agent.type("logged_out")
    assert notice["reason"] == "admin_edit"
    members = sb.ok(sb.get(f"/api/v1/queues/{queue}/members", sb.support))
    assert [m["loggedIn"] for m in members if m["userId"] == user] == [False]


def test_agent_not_ready_is_refused_with_a_close_reason(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    sb.queue(tenant, "Chat", "webchat")
    # An agent who may log in (password set) but is not enabled for WebRTC/omnichannel nor linked to a queue.
    sb.ok(sb.post("/api/v1/users", {"tenantId": tenant, "name": "Sem Fila", "email": "sf@loja.test", "role": "agent"}, sb.support))
    sb.ok(sb.post("/api/v1/password-reset/complete", {"token": sb.link("sf@loja.test", "reset-password"), "password": "S3nha!forte-123"}))
    sb.ok(sb.post("/api/v1/email-confirmation", {"token": sb.link("sf@loja.test", "confirm-email")}))
    token = sb.ok(sb.post("/api/v1/auth/login", {"email": "sf@loja.test", "password": "S3nha!forte-123"}))["token"]
    ws = agent_ws(sb, token)
    error = ws.type("error")
    assert error["code"] == "not_ready", error
    for code in ("webrtc_disabled", "omnichannel_disabled", "no_queue"):
        assert code in error["message"], error
    with pytest.raises(ConnectionClosed) as closed:
        ws.ws.recv(timeout=5)
    assert closed.value.rcvd.code == 4003 and "omnichannel_disabled" in closed.value.rcvd.reason
    # Without a session there is no upgrade at all.
    with pytest.raises(Exception):
        agent_ws(sb, "not-a-token")


def test_bad_input_on_both_websockets_gets_errors_and_changes_nothing(tmp_path, cleanup):
    sb, _, queue, site, [(user, token)] = center(tmp_path, cleanup)
    agent, _ = open_agent(sb, token, cleanup, queue, available=False)
    visitor, started = start_visitor(sb, site, cleanup, "Ana", "primeira")
    for client in (agent, visitor):
        client.ws.send("{not json")
        assert client.type("error")["code"] == "invalid_json"
        client.ws.send("[1,2,3]")
        assert client.type("error")["code"] == "invalid_message"
        client.ws.send(b"\x00\x01binary")
        assert client.type("error")["code"] == "invalid_message"
        assert client.request({"type": "launch.missiles"})["code"] == "unknown_type"
        client.ws.send(json.dumps({"type": "message", "text": "x" * 40_000}))
        assert client.type("error")["code"] == "too_large"
        assert client.request({"type": "ping"})["type"] == "ack"
    assert agent.request({"type": "message.send", "contactId": started["conversationId"], "text": "intruso"})["code"] == "not_your_contact"
    assert agent.request({"type": "offer.accept", "contactId": started["conversationId"]})["code"] == "no_offer"
    assert agent.request({"type": "contact.close", "contactId": "00000000-0000-0000-0000-000000000000"})["code"] == "unknown_contact"
    assert agent.request({"type": "message.send"})["code"] == "invalid_message"
    assert agent.request({"type": "state.set", "state": "sleeping"})["code"] == "invalid_message"
    assert visitor.request({"type": "start", "name": "de novo"})["code"] == "already_started"
    assert visitor.request({"type": "message", "text": "   "})["code"] == "invalid_message"
    # Nothing changed: the conversation has its one message, the visitor is still first in line.
    again = visitor_ws(sb, site["siteKey"], resume=started["resumeToken"])
    cleanup.append(again.close)
    welcome = again.type("welcome")
    assert [m["text"] for m in welcome["history"]] == ["primeira"]
    assert again.type("queue")["position"] == 1
    with pytest.raises(Exception):
        visitor_ws(sb, "no-such-site")


def test_reload_resumes_and_leaving_before_an_answer_is_abandoned(tmp_path, cleanup):
    sb, _, queue, site, _ = center(tmp_path, cleanup)
    v, started = start_visitor(sb, site, cleanup, "Lia", "oi")
    assert v.request({"type": "message", "text": "alguém?"})["type"] == "ack"
    v.close()
    again = visitor_ws(sb, site["siteKey"], resume=started["resumeToken"])
    cleanup.append(again.close)
    welcome = again.type("welcome")
    assert welcome["conversation"]["id"] == started["conversationId"]
    assert [m["text"] for m in welcome["history"]] == ["oi", "alguém?"]
    assert again.type("queue")["position"] == 1
    assert again.request({"type": "leave"})["type"] == "ack"
    assert again.type("closed")["reason"] == "abandoned"
    stats = sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))
    assert stats["abandoned"] == 1 and stats["waiting"] == 0, stats

    # Dropping without coming back within the grace period also abandons.
    gone, _ = start_visitor(sb, site, cleanup, "Leo", "oi")
    gone.close()
    wait_for(lambda: sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))["abandoned"] == 2, what="second abandon")


def closed_hours(policy):
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {"open": "22:00", "close": "23:00"} if now.hour < 20 else {"open": "02:00", "close": "03:00"}
    return {"timeZone": "UTC", "week": {d: [window] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "outsideHours": policy, "message": "Atendimento das 22h às 23h."}


def test_business_hours_refuse_or_accept_for_later(tmp_path, cleanup):
    sb, tenant, queue, site, _ = center(tmp_path, cleanup)
    assert sb.put(f"/api/v1/queues/{queue}/business-hours", {"timeZone": "Mars/Base", "week": {}, "outsideHours": "refuse"}, sb.support).status_code == 400
    sb.ok(sb.put(f"/api/v1/queues/{queue}/business-hours", closed_hours("refuse"), sb.support))
    v = visitor_ws(sb, site["siteKey"])
    cleanup.append(v.close)
    welcome = v.type("welcome")
    assert welcome["open"] is False and welcome["hoursMessage"] == "Atendimento das 22h às 23h."
    refused = v.request({"type": "start", "name": "Noturno", "text": "oi"})
    assert refused["type"] == "error" and refused["code"] == "closed"

    sb.ok(sb.put(f"/api/v1/queues/{queue}/business-hours", closed_hours("accept_for_later"), sb.support))
    later = visitor_ws(sb, site["siteKey"])
    cleanup.append(later.close)
    later.type("welcome")
    ack = later.request({"type": "start", "name": "Paciente", "text": "deixo recado"})
    assert ack["type"] == "ack" and ack["status"] == "scheduled" and ack["routeAfter"], ack
    assert sb.ok(sb.get(f"/api/v1/queues/{queue}/stats", sb.support))["waiting"] == 0


def test_restart_keeps_waiting_chats_in_order_and_open_conversations_with_their_agents(tmp_path, cleanup):
    sb, _, queue, site, [(user, token)] = center(tmp_path, cleanup, capacity=1, visitor_grace=60)
    agent, _ = open_agent(sb, token, cleanup, queue)
    first, s1 = start_visitor(sb, site, cleanup, "Primeira", "um")
    offer = agent.type("offer")
    assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    assert agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "olá primeira"})["type"] == "ack"
    second, s2 = start_visitor(sb, site, cleanup, "Segunda", "dois")
    third, s3 = start_visitor(sb, site, cleanup, "Terceira", "três")
    assert third.type("queue")["position"] == 2

    sb.restart()  # SIGTERM with every socket open; the data folder is kept

    agent = agent_ws(sb, token)
    cleanup.append(agent.close)
    welcome = agent.type("welcome")
    assert [q["loggedIn"] for q in welcome["queues"]] == [True]
    [contact] = welcome["contacts"]
    assert contact["contactId"] == s1["conversationId"] and [m["text"] for m in contact["messages"]] == ["um", "olá primeira"]
    visitors = []
    for started, history in ((s2, ["dois"]), (s3, ["três"])):
        v = visitor_ws(sb, site["siteKey"], resume=started["resumeToken"])
        cleanup.append(v.close)
        assert [m["text"] for m in v.type("welcome")["history"]] == history
        visitors.append(v)
    assert visitors[0].type("queue")["position"] == 1
    assert visitors[1].type("queue")["position"] == 2
    # Capacity 1 still holds after the restart: the restored conversation occupies the agent.
    with pytest.raises(AssertionError):
        agent.type("offer", timeout=1.5)
    assert agent.request({"type": "contact.close", "contactId": s1["conversationId"]})["type"] == "ack"
    assert agent.request({"type": "wrapup.end", "contactId": s1["conversationId"]})["type"] == "ack"
    assert agent.type("offer")["contactId"] == s2["conversationId"]


def test_reject_reroutes_to_another_agent_and_attachments_travel_by_reference(tmp_path, cleanup):
    sb, _, queue, site, [(a_user, a_token), (b_user, b_token)] = center(tmp_path, cleanup, agents=2)
    a, _ = open_agent(sb, a_token, cleanup, queue)
    b, _ = open_agent(sb, b_token, cleanup, queue)
    visitor, started = start_visitor(sb, site, cleanup, "Vera", "oi")
    first, other = (a, b) if _offered(a, started) else (b, a)
    ack = first.request({"type": "offer.reject", "contactId": started["conversationId"]})
    assert ack["type"] == "ack"
    offer = other.type("offer")
    assert offer["contactId"] == started["conversationId"]
    assert other.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    bad = other.request({"type": "message.send", "contactId": offer["contactId"], "attachment": {"url": "javascript:alert(1)"}})
    assert bad["type"] == "error" and bad["code"] == "invalid_attachment"
    sent = other.request({"type": "message.send", "contactId": offer["contactId"], "text": "segue o boleto",
                          "attachment": {"url": "https://files.loja.test/boleto.pdf", "name": "boleto.pdf", "mimeType": "application/pdf"}})
    assert sent["type"] == "ack", sent
    got = visitor.type("message")["message"]
    assert got["text"] == "segue o boleto" and got["attachment"]["url"] == "https://files.loja.test/boleto.pdf"
    assert got["attachment"]["name"] == "boleto.pdf"
    widget = sb.get("/webchat/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript") and "data-site" in widget.text
    assert sb.get("/webchat/widget.css").headers["content-type"].startswith("text/css")


def _offered(agent, started):
    try:
        return agent.type("offer", timeout=3)["contactId"] == started["conversationId"]
    except AssertionError:
        return False


def test_an_offer_not_answered_in_time_is_withdrawn_and_offered_to_another_agent(tmp_path, cleanup):
    sb, _, queue, site, [(_, a_token), (_, b_token)] = center(tmp_path, cleanup, agents=2, offerTimeoutSeconds=5)
    a, _ = open_agent(sb, a_token, cleanup, queue)
    b, _ = open_agent(sb, b_token, cleanup, queue)
    _, started = start_visitor(sb, site, cleanup, "Demorada", "alô?")
    first, other = (a, b) if _offered(a, started) else (b, a)
    withdrawn = first.type("offer.withdrawn", timeout=10)
    assert withdrawn["contactId"] == started["conversationId"] and withdrawn["reason"] == "timed_out"
    again = other.type("offer", timeout=10)
    assert again["contactId"] == started["conversationId"]
    late = first.request({"type": "offer.accept", "contactId": started["conversationId"]})
    assert late["type"] == "error" and late["code"] == "no_offer"
