// The stand-ins' chat page: talk to the bot through the stand-in's control API only, the
// Telegram emulator's (/_emulator/...) or the MAX stand-in's (/_standin/...); the page
// says which (the "config" block). What the user does is injected as updates (a message,
// a start link, a button press); the chat is what the bot sent (.../sent) merged with
// what the user wrote (.../received) in the chat's order: Telegram counts message ids
// for both directions, MAX numbers a chat's messages (seq).
"use strict";

const POLL_MS = 1000;
const FIRST_INVITE_USER_ID = 100001; // the chat given to the n-th person of the sheet
const $ = (id) => document.getElementById(id);
const CONFIG = JSON.parse($("config").textContent);
// The page's texts in its language, from the gettext catalogs (chat_page.py).
const TEXTS = JSON.parse($("texts").textContent);
const say = (key, params = {}) =>
  TEXTS[key].replace(/%\((\w+)\)s/g, (_, name) => String(params[name]));
const state = { userId: null, name: "", lang: "ru", shown: "", bot: null };

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${url}: ${response.status}`);
  return body;
}

async function postJson(url, payload) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${url}: ${response.status}`);
  return body;
}

// Each messenger's endpoints, and its messages read into one shape:
// { order, id, deleted, text, html, file: {name, url}, buttons: [[{text, url | press}]],
//   reply: rows of a reply keyboard | [] (removed) | null, sentAt, editedAt } for the bot's,
// { order, text | start, at } for the user's.
const TELEGRAM = {
  api: {
    sent: (chat) => `/_emulator/sent?chat_id=${chat}`,
    received: (chat) => `/_emulator/received?chat_id=${chat}`,
    chats: "/_emulator/chats",
    invites: "/_emulator/demo/invites",
    message: "/_emulator/updates/message",
    callback: "/_emulator/updates/callback",
    answers: "/_emulator/callback_answers",
    document: (id) => `/_emulator/documents/${id}`,
  },
  chatOf: (chat) => chat.chat_id,
  botMessage(m) {
    const markup = m.reply_markup || {};
    const inline = markup.inline_keyboard || [];
    const name = m.document_name || say("file", { id: m.message_id });
    return {
      order: m.message_id, id: m.message_id, deleted: m.deleted, text: m.text,
      html: (m.parse_mode || "").toLowerCase() === "html",
      file: m.method === "sendDocument" ? { name, url: TELEGRAM.api.document(m.message_id) } : null,
      buttons: inline.map((row) => row.map((b) => ({ text: b.text, url: b.url,
        press: b.callback_data }))),
      reply: markup.keyboard || (markup.remove_keyboard ? [] : null),
      sentAt: m.sent_at, editedAt: m.edited_at,
    };
  },
  userMessage: (m) => ({ order: m.message_id, text: m.text, at: 1000 * m.date }),
  write: (text) => postJson(TELEGRAM.api.message, { user_id: state.userId, text,
    first_name: state.name || undefined, language_code: state.lang }),
  // A t.me start link makes the app send "/start PAYLOAD".
  start: (payload) => TELEGRAM.write(payload ? `/start ${payload}` : "/start"),
  async press(message, data) {
    const injected = await postJson(TELEGRAM.api.callback, { user_id: state.userId,
      message_id: message.id, data, language_code: state.lang });
    return injected.callback_query_id;
  },
  answered(body, id) {
    const answer = body.answers.find((a) => a.callback_query_id === id);
    return answer && { text: answer.text, alert: answer.show_alert };
  },
  draft: (code) => ({ text: `/start ${code}` }),
};

const MAX = {
  api: {
    sent: (user) => `/_standin/sent?user_id=${user}`,
    received: (user) => `/_standin/received?user_id=${user}`,
    chats: "/_standin/chats",
    invites: "/_standin/demo/invites",
    message: "/_standin/updates/message",
    start: "/_standin/updates/start",
    callback: "/_standin/updates/callback",
    answers: "/_standin/answers",
    file: (mid) => `/_standin/files/${encodeURIComponent(mid)}`,
  },
  chatOf: (chat) => chat.user_id,
  botMessage(m) {
    const file = m.file && { name: m.file.filename || say("file", { id: m.seq }),
      url: MAX.api.file(m.message_id) };
    return {
      order: m.seq, id: m.message_id, deleted: m.deleted, text: m.text,
      html: m.format === "html", file,
      buttons: (m.buttons || []).map((row) => row.map((b) => ({ text: b.text,
        url: b.type === "link" ? b.url : undefined,
        press: b.type === "callback" ? b.payload : undefined }))),
      reply: null, sentAt: m.sent_at, editedAt: m.edited_at,
    };
  },
  userMessage: (r) => ({ order: r.seq, text: r.text, start: r.start, at: r.timestamp }),
  write: (text) => postJson(MAX.api.message, { user_id: state.userId, text,
    first_name: state.name || undefined, locale: state.lang }),
  // A max.ru start link gives the bot a bot_started update with the payload.
  start: (payload) => postJson(MAX.api.start, { user_id: state.userId,
    payload: payload || undefined, first_name: state.name || undefined, locale: state.lang }),
  async press(message, payload) {
    const injected = await postJson(MAX.api.callback, { user_id: state.userId,
      message_id: message.id, payload });
    return injected.callback_id;
  },
  answered(body, id) {
    const answer = body.answers.find((a) => a.callback_id === id);
    return answer && { text: answer.notification, alert: false };
  },
  draft: (code) => ({ link: state.bot && state.bot.username
    ? `https://max.ru/${state.bot.username}?start=${encodeURIComponent(code)}` : code }),
};

const messenger = CONFIG.messenger === "max" ? MAX : TELEGRAM;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function showError(error) {
  $("error").hidden = !error;
  $("error").textContent = error ? String(error.message || error) : "";
}

// The messengers' HTML subsets, rebuilt node by node: only these tags, only http(s),
// tg and max links, every text as text (a tag MAX does not know keeps its text, as
// MAX strips it). Nothing the bot sent is ever assigned as HTML.
const TAGS = { b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s",
  del: "s", code: "code", pre: "pre", blockquote: "blockquote", a: "a", mark: "mark",
  h1: "strong" };

function formatted(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const fragment = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) fragment.append(rebuild(node));
  return fragment;
}

function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
  const fragment = document.createDocumentFragment();
  if (node.nodeType !== Node.ELEMENT_NODE) return fragment;
  const name = node.tagName.toLowerCase();
  let out = fragment;
  if (name === "tg-spoiler" || (name === "span" && node.classList.contains("tg-spoiler"))) {
    out = el("span", { className: "spoiler" });
  } else if (TAGS[name]) {
    out = document.createElement(TAGS[name]);
    const href = node.getAttribute("href") || "";
    if (name === "a" && /^(https?|tg|max):/i.test(href)) {
      Object.assign(out, { href, target: "_blank", rel: "noopener noreferrer" });
    }
  }
  for (const child of node.childNodes) out.append(rebuild(child));
  if (out !== fragment) fragment.append(out);
  return fragment;
}

function inlineKeyboard(message) {
  if (!message.buttons.length) return null;
  const box = el("div", { className: "inline" });
  for (const row of message.buttons) {
    const line = el("div", { className: "row" });
    for (const button of row) {
      if (button.url) {
        line.append(el("a", { href: button.url, target: "_blank", rel: "noopener noreferrer",
          textContent: button.text }));
      } else {
        // A kind the page cannot play (MAX's contact or location requests) stays inert.
        line.append(el("button", { type: "button", textContent: button.text,
          disabled: button.press === undefined,
          onclick: () => tap(message, button.press) }));
      }
    }
    box.append(line);
  }
  return box;
}

function botBubble(message) {
  const bubble = el("li", { className: "msg bot" });
  bubble.dataset.messageId = message.id;
  if (message.file) {
    bubble.append(el("a", { className: "doc", href: message.file.url,
      download: message.file.name, textContent: `📄 ${message.file.name}` }), "\n");
  }
  if (message.text) bubble.append(message.html ? formatted(message.text) : message.text);
  const keyboard = inlineKeyboard(message);
  if (keyboard) bubble.append(keyboard);
  const when = new Date(1000 * (message.editedAt || message.sentAt)).toLocaleTimeString();
  bubble.append(el("span", { className: "meta",
    textContent: message.editedAt ? say("edited", { when }) : when }));
  return bubble;
}

function userBubble(message) {
  const when = el("span", { className: "meta",
    textContent: new Date(message.at).toLocaleTimeString() });
  if (message.start !== undefined) {
    const note = message.start ? say("started_with", { payload: message.start }) : say("started");
    return el("li", { className: "msg note" }, note, when);
  }
  return el("li", { className: "msg user" }, message.text || "", when);
}

// The reply keyboard is the one the bot's latest message set, until one removes it.
function replyKeyboard(botMessages) {
  for (const message of [...botMessages].reverse()) {
    if (message.reply) return message.reply;
  }
  return [];
}

function render(sent, received) {
  const key = JSON.stringify([sent, received]);
  if (key === state.shown) return;
  state.shown = key;
  const visible = sent.map(messenger.botMessage).filter((m) => !m.deleted);
  const items = [
    ...visible.map((m) => ({ order: m.order, node: () => botBubble(m) })),
    ...received.map(messenger.userMessage).map((m) => ({ order: m.order,
      node: () => userBubble(m) })),
  ].sort((a, b) => a.order - b.order);
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...items.map((item) => item.node()));
  if (atBottom) list.scrollTop = list.scrollHeight;
  $("keyboard").replaceChildren(...replyKeyboard(visible).map((row) => el("div",
    { className: "row" }, ...row.map((button) => el("button", { type: "button",
      textContent: button.text, onclick: () => send(button.text) })))));
}

async function refresh() {
  if (state.userId === null) return;
  const chat = state.userId;
  try {
    const [sent, received] = await Promise.all([getJson(messenger.api.sent(chat)),
      getJson(messenger.api.received(chat))]);
    if (chat === state.userId) render(sent.messages, received.messages);
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function act(action) {
  if (state.userId === null) return;
  try {
    await action();
    await refresh();
  } catch (error) {
    showError(error);
  }
}

const send = (text) => text.trim() && act(() => messenger.write(text));

// What a start link carries: `?start=CODE` of a t.me or max.ru link, nothing for a
// link without one, or the text itself when it is not a link (a code typed alone).
function startPayload(link) {
  const value = link.trim();
  const found = /[?&]start=([^&#]*)/.exec(value);
  if (found) return decodeURIComponent(found[1].replace(/\+/g, " "));
  return /^[a-z]+:\/\/|^(t\.me|max\.ru)\//i.test(value) ? "" : value;
}

function toast(text, alert) {
  $("toast").hidden = false;
  $("toast").textContent = text;
  $("toast").className = alert ? "alert" : "";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { $("toast").hidden = true; }, alert ? 8000 : 3000);
}

// A press on a button; the bot's answer (Telegram's answerCallbackQuery text, MAX's
// notification) shows as a toast.
async function tap(message, data) {
  try {
    const id = await messenger.press(message, data);
    await refresh();
    for (let tries = 0; tries < 20; tries += 1) {
      const answer = messenger.answered(await getJson(messenger.api.answers), id);
      if (answer) {
        if (answer.text) toast(answer.text, answer.alert);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    showError(error);
  }
}

function openChat(userId, name, draft = {}) {
  state.userId = Number(userId);
  state.name = name || "";
  state.lang = $("user-lang").value;
  state.shown = "";
  $("user-id").value = state.userId;
  $("user-name").value = state.name;
  $("chat-title").textContent = state.name
    ? say("chat_named", { id: state.userId, name: state.name }) : say("chat", { id: state.userId });
  $("messages").replaceChildren();
  $("keyboard").replaceChildren();
  for (const id of ["text", "send", "start-link", "open-link"]) $(id).disabled = false;
  $("text").value = draft.text || "";
  $("start-link").value = draft.link || "";
  (draft.link ? $("open-link") : $("text")).focus();
  history.replaceState(null, "", `#chat=${state.userId}`);
  refresh();
}

async function loadInvites() {
  try {
    const sheet = await getJson(messenger.api.invites);
    state.bot = sheet.bot || null;
    if (sheet.bot) $("bot-name").textContent = `@${sheet.bot.username}`;
    $("invites-problem").hidden = !sheet.problem;
    $("invites-problem").textContent = sheet.problem || "";
    $("invites").replaceChildren(...sheet.invites.map((invite, index) => {
      const userId = FIRST_INVITE_USER_ID + index;
      const firstName = (invite.name || "").split(" ")[1] || invite.name;
      const role = say(invite.kind === "staff" ? "teacher" : "parent");
      return el("li", {},
        el("div", { className: "who", textContent: `${invite.name} (${role})` }),
        el("div", { className: "about", textContent: (invite.about || []).join("; ") }),
        el("div", {}, say("code"), " ", el("code", { textContent: invite.code }), " · ",
          say("chat", { id: userId })),
        el("button", { type: "button", textContent: say("write"),
          onclick: () => openChat(userId, firstName, messenger.draft(invite.code)) }));
    }));
  } catch (error) {
    $("invites-problem").hidden = false;
    $("invites-problem").textContent = String(error.message || error);
  }
}

async function loadChats() {
  try {
    const { chats } = await getJson(messenger.api.chats);
    $("chats").replaceChildren(...chats.map((chat) => {
      const id = messenger.chatOf(chat);
      return el("li", {}, el("button", { type: "button",
        textContent: `${id}${chat.first_name ? ` ${chat.first_name}` : ""}`,
        onclick: () => openChat(id, chat.first_name) }));
    }));
  } catch (error) {
    showError(error);
  }
}

$("pick").addEventListener("submit", (event) => {
  event.preventDefault();
  openChat($("user-id").value, $("user-name").value.trim());
});
$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value;
  $("text").value = "";
  send(text);
});
$("start").addEventListener("submit", (event) => {
  event.preventDefault();
  const payload = startPayload($("start-link").value);
  $("start-link").value = "";
  act(() => messenger.start(payload));
});
$("user-lang").addEventListener("change", () => { state.lang = $("user-lang").value; });

loadInvites();
const fromLink = /#chat=(\d+)/.exec(location.hash);
if (fromLink) openChat(fromLink[1]);
setInterval(() => { refresh(); loadChats(); }, POLL_MS);
loadChats();
