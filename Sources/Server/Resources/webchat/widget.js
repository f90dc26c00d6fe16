/* Switchboard web chat widget. Embed with one tag:
 *   <script src="https://<switchboard>/webchat/widget.js" data-site="<site key>" async></script>
 * Protocol: docs/workspace-protocol.md ("Visitor protocol"). Plain JavaScript, no dependencies. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-site]");
  if (!script) return;
  var site = script.getAttribute("data-site");

  // One catalogue per language. The widget speaks the language the embedding page names (data-lang on the
  // tag, else <html lang>), else the visitor's browser language; pt-BR (the product's language) otherwise.
  var catalogues = {
    "pt-BR": {
      chat: "Chat", yourName: "Seu nome", email: "E-mail (opcional)", howCanWeHelp: "Como podemos ajudar?", start: "Iniciar conversa",
      typing: "O atendente está digitando…", write: "Escreva uma mensagem…", send: "Enviar", leave: "Encerrar conversa",
      closedNow: "Estamos fechados agora.", scheduled: "Responderemos quando abrirmos.", connecting: "Conectando você a um atendente…",
      place: "Você é o número {n} da fila (cerca de {m} min).",
      placeUnknown: "Você é o número {n} da fila. Ninguém pode atender agora; responderemos assim que alguém estiver disponível.",
      talking: "Você está falando com {agent}.", ended: "A conversa foi encerrada.",
      errors: {
        rate_limited: "Muitas mensagens em pouco tempo. Aguarde um instante e tente de novo.",
        queue_full: "Todas as nossas linhas estão ocupadas agora. Tente novamente em alguns minutos.",
        closed: "Estamos fechados agora.", invalid_name: "Informe seu nome (até 80 caracteres).",
        invalid_email: "O e-mail informado não é válido.", too_large: "A mensagem é longa demais.",
        storage_failed: "Não foi possível salvar. Tente novamente."
      }
    },
    en: {
      chat: "Chat", yourName: "Your name", email: "E-mail (optional)", howCanWeHelp: "How can we help?", start: "Start chat",
      typing: "Agent is typing…", write: "Write a message…", send: "Send", leave: "End chat",
      closedNow: "We are closed now.", scheduled: "We will answer when we open.", connecting: "Connecting you to an agent…",
      place: "You are number {n} in line (about {m} min).",
      placeUnknown: "You are number {n} in line. Nobody can answer right now; we will answer as soon as someone is available.",
      talking: "You are talking to {agent}.", ended: "The conversation has ended.",
      errors: {
        rate_limited: "Too many messages in a short time. Wait a moment and try again.",
        queue_full: "All our lines are busy right now. Please try again in a few minutes.",
        closed: "We are closed now.", invalid_name: "Please give your name (up to 80 characters).",
        invalid_email: "The e-mail address is not valid.", too_large: "The message is too long.",
        storage_failed: "That could not be saved. Please try again."
      }
    }
  };
  function pickLanguage() {
    var wanted = [script.getAttribute("data-lang"), document.documentElement.getAttribute("lang")]
      .concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var tag = (wanted[i] || "").toLowerCase();
      if (tag.indexOf("pt") === 0) return "pt-BR";
      if (tag.indexOf("en") === 0) return "en";
    }
    return "pt-BR";
  }
  var lang = pickLanguage();
  var t = catalogues[lang];
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
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
  root.lang = lang;
  var toggle = el("button", "sbw-toggle", t.chat);
  toggle.type = "button";
  var panel = el("div", "sbw-panel sbw-hidden");
  var header = el("div", "sbw-header", t.chat);
  var notice = el("div", "sbw-notice sbw-hidden");
  var status = el("div", "sbw-status");
  var log = el("div", "sbw-log");
  var typing = el("div", "sbw-typing sbw-hidden", t.typing);
  var startForm = el("form", "sbw-start");
  var nameInput = el("input"); nameInput.placeholder = t.yourName; nameInput.required = true; nameInput.maxLength = 80;
  nameInput.setAttribute("aria-label", t.yourName);
  var emailInput = el("input"); emailInput.placeholder = t.email; emailInput.type = "email"; emailInput.setAttribute("aria-label", t.email);
  var firstInput = el("textarea"); firstInput.placeholder = t.howCanWeHelp; firstInput.setAttribute("aria-label", t.howCanWeHelp);
  var startButton = el("button", null, t.start); startButton.type = "submit";
  startForm.append(nameInput, emailInput, firstInput, startButton);
  var sendForm = el("form", "sbw-send sbw-hidden");
  var textInput = el("input"); textInput.placeholder = t.write; textInput.maxLength = 4096; textInput.setAttribute("aria-label", t.write);
  var sendButton = el("button", null, t.send); sendButton.type = "submit";
  var leaveButton = el("button", "sbw-leave", t.leave); leaveButton.type = "button";
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
          header.textContent = m.site || t.chat;
          if (!m.open) { notice.textContent = m.hoursMessage || t.closedNow; notice.classList.remove("sbw-hidden"); }
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
            if (m.status === "scheduled") status.textContent = t.scheduled;
          }
          break;
        case "queue":
          status.textContent = m.offered ? t.connecting
            : m.estimatedWaitSeconds == null ? fill(t.placeUnknown, { n: m.position })
            : fill(t.place, { n: m.position, m: Math.max(1, Math.round(m.estimatedWaitSeconds / 60)) });
          break;
        case "assigned": status.textContent = fill(t.talking, { agent: m.agent }); break;
        case "message": addMessage(m.message.from, m.message.text); typing.classList.add("sbw-hidden"); break;
        case "typing": typing.classList.toggle("sbw-hidden", !m.active); break;
        case "closed":
          closed = true;
          status.textContent = t.ended;
          localStorage.removeItem(storeKey);
          sendForm.classList.add("sbw-hidden");
          break;
        case "error": status.textContent = t.errors[m.code] || m.message; break;
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
