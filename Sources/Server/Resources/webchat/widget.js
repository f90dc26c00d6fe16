/* Switchboard web chat widget. Embed with one tag:
 *   <script src="https://<switchboard>/webchat/widget.js" data-site="<site key>" async></script>
 * Protocol: docs/workspace-protocol.md ("Visitor protocol"). Plain JavaScript, no dependencies. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-site]");
  if (!script) return;
  var site = script.getAttribute("data-site");
  var base = new URL(script.src, location.href);
  var storeKey = "switchboard.resume." + site;
  var ws = null, nextId = 1, started = false, closed = false, retry = 0, typingTimer = null;

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("widget.css", base).href;
  document.head.appendChild(css);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  var root = el("div", "sbw-root");
  var toggle = el("button", "sbw-toggle", "Chat");
  toggle.type = "button";
  var panel = el("div", "sbw-panel sbw-hidden");
  var header = el("div", "sbw-header", "Chat");
  var notice = el("div", "sbw-notice sbw-hidden");
  var status = el("div", "sbw-status");
  var log = el("div", "sbw-log");
  var typing = el("div", "sbw-typing sbw-hidden", "Agent is typing…");
  var startForm = el("form", "sbw-start");
  var nameInput = el("input"); nameInput.placeholder = "Your name"; nameInput.required = true; nameInput.maxLength = 80;
  var emailInput = el("input"); emailInput.placeholder = "E-mail (optional)"; emailInput.type = "email";
  var firstInput = el("textarea"); firstInput.placeholder = "How can we help?";
  var startButton = el("button", null, "Start chat"); startButton.type = "submit";
  startForm.append(nameInput, emailInput, firstInput, startButton);
  var sendForm = el("form", "sbw-send sbw-hidden");
  var textInput = el("input"); textInput.placeholder = "Write a message…"; textInput.maxLength = 4096;
  var sendButton = el("button", null, "Send"); sendButton.type = "submit";
  var leaveButton = el("button", "sbw-leave", "End chat"); leaveButton.type = "button";
  sendForm.append(textInput, sendButton, leaveButton);
  panel.append(header, notice, status, log, typing, startForm, sendForm);
  root.append(toggle, panel);

  function mount() { document.body.appendChild(root); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  toggle.addEventListener("click", function () {
    panel.classList.toggle("sbw-hidden");
    if (!ws) connect();
  });

  function send(message) {
    message.id = String(nextId++);
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(message));
  }

  function addMessage(from, text) {
    var line = el("div", "sbw-msg sbw-" + from);
    line.textContent = text;
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function showChat() {
    started = true;
    startForm.classList.add("sbw-hidden");
    sendForm.classList.remove("sbw-hidden");
  }

  function connect() {
    var url = new URL("ws", base); // widget.js sits beside the endpoint: /webchat/ws
    url.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("site", site);
    var token = localStorage.getItem(storeKey);
    if (token) url.searchParams.set("resume", token);
    ws = new WebSocket(url.href);
    ws.onopen = function () { retry = 0; };
    ws.onmessage = function (event) {
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      switch (m.type) {
        case "welcome":
          header.textContent = m.site || "Chat";
          if (!m.open) { notice.textContent = m.hoursMessage || "We are closed now."; notice.classList.remove("sbw-hidden"); }
          if (m.conversation) {
            log.textContent = "";
            (m.history || []).forEach(function (h) { addMessage(h.from, h.text); });
            if (m.conversation.status === "closed") { localStorage.removeItem(storeKey); }
            else showChat();
          }
          break;
        case "ack":
          if (m.for === "start" && m.resumeToken) {
            localStorage.setItem(storeKey, m.resumeToken);
            showChat();
            if (m.status === "scheduled") status.textContent = "We will answer when we open.";
          }
          break;
        case "queue":
          status.textContent = m.offered ? "Connecting you to an agent…"
            : "You are number " + m.position + " in line (about " + Math.max(1, Math.round(m.estimatedWaitSeconds / 60)) + " min).";
          break;
        case "assigned": status.textContent = "You are talking to " + m.agent + "."; break;
        case "message": addMessage(m.message.from, m.message.text); typing.classList.add("sbw-hidden"); break;
        case "typing": typing.classList.toggle("sbw-hidden", !m.active); break;
        case "closed":
          closed = true;
          status.textContent = "The conversation has ended.";
          localStorage.removeItem(storeKey);
          sendForm.classList.add("sbw-hidden");
          break;
        case "error": status.textContent = m.message; break;
      }
    };
    ws.onclose = function () {
      ws = null;
      if (!closed && retry < 8) { setTimeout(connect, Math.min(30000, 500 * Math.pow(2, retry++))); }
    };
  }

  startForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = firstInput.value.trim();
    send({ type: "start", name: nameInput.value, email: emailInput.value || undefined, text: first || undefined });
    if (first) addMessage("visitor", first);
  });
  sendForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = textInput.value.trim();
    if (!text) return;
    send({ type: "message", text: text });
    addMessage("visitor", text);
    textInput.value = "";
  });
  textInput.addEventListener("input", function () {
    if (typingTimer) clearTimeout(typingTimer); else send({ type: "typing", active: true });
    typingTimer = setTimeout(function () { typingTimer = null; send({ type: "typing", active: false }); }, 2000);
  });
  leaveButton.addEventListener("click", function () { send({ type: "leave" }); });
})();
