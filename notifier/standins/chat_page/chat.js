// The emulator's chat page: talk to the bot through the emulator's control API only.
// Messages are injected as updates (/_emulator/updates/...); the chat is what the bot
// sent (/_emulator/sent) merged with what the user wrote (/_emulator/received), ordered
// by message id (one counter for both directions, as in a Telegram chat).
"use strict";

const POLL_MS = 1000;
const FIRST_INVITE_USER_ID = 100001; // the chat id given to the n-th person of the sheet
const api = {
  sent: (chat) => `/_emulator/sent?chat_id=${chat}`,
  received: (chat) => `/_emulator/received?chat_id=${chat}`,
  chats: "/_emulator/chats",
  invites: "/_emulator/demo/invites",
  message: "/_emulator/updates/message",
  callback: "/_emulator/updates/callback",
  answers: "/_emulator/callback_answers",
  document: (id) => `/_emulator/documents/${id}`,
};
const $ = (id) => document.getElementById(id);
// The page's texts in its language, from the gettext catalogs (telegram_chat_page.py).
const TEXTS = JSON.parse($("texts").textContent);
const say = (key, params = {}) =>
  TEXTS[key].replace(/%\((\w+)\)s/g, (_, name) => String(params[name]));
const state = { userId: null, name: "", lang: "ru", shown: "" };

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

// Telegram's HTML subset, rebuilt node by node: only these tags, only http(s)/tg links,
// every text as text. Nothing the bot sent is ever assigned as HTML.
const TAGS = { b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s",
  del: "s", code: "code", pre: "pre", blockquote: "blockquote", a: "a" };

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
    if (name === "a" && /^(https?|tg):/i.test(href)) {
      Object.assign(out, { href, target: "_blank", rel: "noopener noreferrer" });
    }
  }
  for (const child of node.childNodes) out.append(rebuild(child));
  if (out !== fragment) fragment.append(out);
  return fragment;
}

function inlineKeyboard(message) {
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (!rows.length) return null;
  const box = el("div", { className: "inline" });
  for (const row of rows) {
    const line = el("div", { className: "row" });
    for (const button of row) {
      if (button.url) {
        line.append(el("a", { href: button.url, target: "_blank", rel: "noopener noreferrer",
          textContent: button.text }));
      } else {
        line.append(el("button", { type: "button", textContent: button.text,
          onclick: () => tap(message.message_id, button.callback_data) }));
      }
    }
    box.append(line);
  }
  return box;
}

function botBubble(message) {
  const bubble = el("li", { className: "msg bot" });
  bubble.dataset.messageId = message.message_id;
  if (message.method === "sendDocument") {
    const name = message.document_name || say("file", { id: message.message_id });
    bubble.append(el("a", { className: "doc", href: api.document(message.message_id),
      download: name, textContent: `📄 ${name}` }), "\n");
  }
  if (message.text) {
    bubble.append(message.parse_mode && message.parse_mode.toLowerCase() === "html"
      ? formatted(message.text) : message.text);
  }
  const keyboard = inlineKeyboard(message);
  if (keyboard) bubble.append(keyboard);
  const when = new Date(1000 * (message.edited_at || message.sent_at)).toLocaleTimeString();
  bubble.append(el("span", { className: "meta",
    textContent: message.edited_at ? say("edited", { when }) : when }));
  return bubble;
}

function userBubble(message) {
  const bubble = el("li", { className: "msg user" }, message.text || "");
  bubble.dataset.messageId = message.message_id;
  const when = new Date(1000 * message.date).toLocaleTimeString();
  bubble.append(el("span", { className: "meta", textContent: when }));
  return bubble;
}

// The reply keyboard is the one the bot's latest message set, until one removes it.
function replyKeyboard(botMessages) {
  for (const message of [...botMessages].reverse()) {
    const markup = message.reply_markup || {};
    if (markup.keyboard) return markup.keyboard;
    if (markup.remove_keyboard) return [];
  }
  return [];
}

function render(botMessages, userMessages) {
  const key = JSON.stringify([botMessages, userMessages]);
  if (key === state.shown) return;
  state.shown = key;
  const visible = botMessages.filter((m) => !m.deleted);
  const items = [
    ...visible.map((m) => ({ id: m.message_id, node: () => botBubble(m) })),
    ...userMessages.map((m) => ({ id: m.message_id, node: () => userBubble(m) })),
  ].sort((a, b) => a.id - b.id);
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...items.map((item) => item.node()));
  if (atBottom) list.scrollTop = list.scrollHeight;
  const keyboard = $("keyboard");
  keyboard.replaceChildren(...replyKeyboard(visible).map((row) => el("div", { className: "row" },
    ...row.map((button) => el("button", { type: "button", textContent: button.text,
      onclick: () => send(button.text) })))));
}

async function refresh() {
  if (state.userId === null) return;
  const chat = state.userId;
  try {
    const [sent, received] = await Promise.all([getJson(api.sent(chat)),
      getJson(api.received(chat))]);
    if (chat === state.userId) render(sent.messages, received.messages);
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function send(text) {
  if (state.userId === null || !text.trim()) return;
  try {
    await postJson(api.message, { user_id: state.userId, text,
      first_name: state.name || undefined, language_code: state.lang });
    await refresh();
  } catch (error) {
    showError(error);
  }
}

function toast(text, alert) {
  $("toast").hidden = false;
  $("toast").textContent = text;
  $("toast").className = alert ? "alert" : "";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { $("toast").hidden = true; }, alert ? 8000 : 3000);
}

// A tap is a callback query; the bot's answerCallbackQuery text shows as Telegram's toast.
async function tap(messageId, data) {
  try {
    const injected = await postJson(api.callback, { user_id: state.userId,
      message_id: messageId, data, language_code: state.lang });
    await refresh();
    for (let tries = 0; tries < 20; tries += 1) {
      const { answers } = await getJson(api.answers);
      const answer = answers.find((a) => a.callback_query_id === injected.callback_query_id);
      if (answer) {
        if (answer.text) toast(answer.text, answer.show_alert);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    showError(error);
  }
}

function openChat(userId, name, draft) {
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
  $("text").disabled = false;
  $("send").disabled = false;
  $("text").value = draft || "";
  $("text").focus();
  history.replaceState(null, "", `#chat=${state.userId}`);
  refresh();
}

async function loadInvites() {
  try {
    const sheet = await getJson(api.invites);
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
          onclick: () => openChat(userId, firstName, `/start ${invite.code}`) }));
    }));
  } catch (error) {
    $("invites-problem").hidden = false;
    $("invites-problem").textContent = String(error.message || error);
  }
}

async function loadChats() {
  try {
    const { chats } = await getJson(api.chats);
    $("chats").replaceChildren(...chats.map((chat) => el("li", {}, el("button", {
      type: "button", textContent: `${chat.chat_id}${chat.first_name ? ` ${chat.first_name}` : ""}`,
      onclick: () => openChat(chat.chat_id, chat.first_name) }))));
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
$("user-lang").addEventListener("change", () => { state.lang = $("user-lang").value; });

loadInvites();
const fromLink = /#chat=(\d+)/.exec(location.hash);
if (fromLink) openChat(fromLink[1]);
setInterval(() => { refresh(); loadChats(); }, POLL_MS);
loadChats();
