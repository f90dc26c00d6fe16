"""Issue 6 §2: the embeddable widget in a real browser (headless Chromium from Debian, driven by selenium):
one <script> tag on a page served from another origin, a visitor chatting with an agent, and a reload that
resumes the same conversation."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from chathelpers import Switchboard, agent_ws
from interop import chromium, serve_html

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Loja</title></head>
<body><h1>Loja de teste</h1><script src="{base}/webchat/widget.js" data-site="{key}" async></script></body></html>"""


def test_widget_in_chromium_chats_with_an_agent_and_resumes_after_reload(tmp_path, cleanup):
    sb = Switchboard(tmp_path / "data")
    cleanup.append(sb.stop)
    tenant = sb.tenant("loja")
    queue = sb.queue(tenant, "Chat do site", "webchat", wrapUpSeconds=30)
    site = sb.site(queue)
    _, token = sb.ready_agent(tenant, "ana@loja.test", "Ana", [queue])
    agent = agent_ws(sb, token)
    cleanup.append(agent.close)
    agent.type("welcome")
    assert agent.request({"type": "queue.login", "queueId": queue})["type"] == "ack"
    assert agent.request({"type": "state.set", "state": "paused", "reason": "break"})["type"] == "ack"

    server, url = serve_html(PAGE.format(base=sb.base, key=site["siteKey"]))
    cleanup.append(server.shutdown)
    browser = chromium()
    cleanup.append(browser.quit)
    wait = WebDriverWait(browser, 20)
    browser.get(url)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".sbw-toggle"))).click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".sbw-start input")))
    inputs = browser.find_elements(By.CSS_SELECTOR, ".sbw-start input")
    inputs[0].send_keys("Maria do Navegador")
    browser.find_element(By.CSS_SELECTOR, ".sbw-start textarea").send_keys("Olá pelo widget")
    browser.find_element(By.CSS_SELECTOR, ".sbw-start button").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-status"), "number 1 in line"))
    assert browser.find_element(By.CSS_SELECTOR, ".sbw-header").text == "Loja"

    assert agent.request({"type": "state.set", "state": "available"})["type"] == "ack"
    offer = agent.type("offer")
    assert offer["customer"]["name"] == "Maria do Navegador" and offer["preview"] == "Olá pelo widget"
    assert agent.request({"type": "offer.accept", "contactId": offer["contactId"]})["type"] == "ack"
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-status"), "talking to Ana"))
    assert agent.request({"type": "message.send", "contactId": offer["contactId"], "text": "Oi Maria, sou a Ana"})["type"] == "ack"
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-log"), "Oi Maria, sou a Ana"))

    box = browser.find_element(By.CSS_SELECTOR, ".sbw-send input")
    box.send_keys("Meu pedido atrasou")
    browser.find_element(By.CSS_SELECTOR, ".sbw-send button[type=submit]").click()
    got = agent.recv_until(lambda m: m.get("type") == "message" and m["message"]["direction"] == "inbound", what="browser message")
    assert got["message"]["text"] == "Meu pedido atrasou"

    # A reload keeps the conversation: the widget resumes with its stored token and shows the history.
    browser.refresh()
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".sbw-toggle"))).click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-log"), "Meu pedido atrasou"))
    log = browser.find_element(By.CSS_SELECTOR, ".sbw-log").text
    assert "Olá pelo widget" in log and "Oi Maria, sou a Ana" in log
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-status"), "talking to Ana"))

    assert agent.request({"type": "contact.close", "contactId": offer["contactId"]})["type"] == "ack"
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".sbw-status"), "ended"))
