// Vicinity demo page on @vicinity/client (clients/typescript). The client owns the protocol: reconnect and
// resume, heartbeats and the pong timeout, the outbox (each message stored once), ordered delivery. This
// file is the UI: what to show for each connection state, chat state and outbox entry.
//
// Kept across reloads: name, device id and location choice in localStorage; the resume token and unsent
// messages in sessionStorage (this tab only); ended chats (so they can still be rated) in localStorage.

const $ = (id) => document.getElementById(id);
const PREFS_KEY = 'vicinity.prefs';
const RESUME_KEY = 'vicinity.resume';
const OUTBOX_KEY = 'vicinity.outbox';
const chatsKey = (user) => 'vicinity.chats.' + user;
const NEARBY_RADIUS = 10000;
// Distance buckets of geo.nearby (bucket index → outer edge); the radar draws one band per bucket.
const BUCKET_EDGES = ['500 m', '1 km', '2 km', '3 km', '5 km', '10 km'];
const BAND = 18;
const ringRadius = (i) => 16 + BAND * (i + 1); // outer radius of bucket i's band; band i spans [ringRadius(i-1), ringRadius(i)]

// Error codes in plain words (the code stays in the element's data-code for tests and the curious).
const PLAIN = {
  idempotency_key_reused: 'This chat was already rated from another tab or window.',
  already_rated: 'You already rated this chat.',
  window_closed: 'The time to rate this chat is over.',
  session_not_ended: 'The chat has not ended yet.',
  session_not_active: 'The chat has ended, so this was not sent. Your text is kept below.',
  message_too_large: 'The message is too long.',
  empty_message: 'The message is empty.',
  user_blocked: 'You blocked this person.',
  too_many_invites: 'This person has too many open invitations. Try again later.',
  rate_limited: 'Too fast — please wait a moment and try again.',
  not_joined: 'You are not in this chat any more.',
  not_participant: 'You are not in this chat.',
  unknown_session: 'This chat does not exist any more.',
  backend_unavailable: 'The server is busy. Try again in a moment.',
  timeout: 'The server did not answer in time. Try again.',
  connection_lost: 'The connection dropped. Try again.',
  stopped: 'You are not connected.',
  location_required: 'Share a location first.',
};
const plain = (e) => PLAIN[e?.code] || e?.message || String(e?.code || e);

const state = {
  client: null, VicinityClient: null, prefs: loadJson(localStorage, PREFS_KEY) || {},
  user: null, limit: null, sessions: new Map(), active: null, nearby: [], profiles: new Map(),
  located: false, lostReason: null, lastTyping: 0, stars: 0, inviting: new Set(), readOnly: false, conn: { status: 'idle' },
};

function loadJson(storage, key) {
  try { return JSON.parse(storage.getItem(key) || 'null'); } catch { return null; }
}
function saveJson(storage, key, value) {
  try { storage.setItem(key, JSON.stringify(value)); } catch { /* storage full or disabled: keep going */ }
}

/** The display name a demo user id was made from (DemoAuthenticator: other characters become =XX per UTF-8 byte). */
function displayName(id) {
  if (!id || !id.includes('=')) return id || '';
  const bytes = [];
  for (let i = 0; i < id.length; i++) {
    const hex = id.slice(i + 1, i + 3);
    if (id[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; } else bytes.push(id.charCodeAt(i));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
const codePoints = (text) => [...text].length;

// ------------------------------------------------------------------ connection

function wsUrl() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}

function start() {
  const { VicinityClient } = state;
  const saved = loadJson(sessionStorage, RESUME_KEY);
  const resume = saved && saved.name === state.prefs.name ? saved.token : undefined;
  const client = new VicinityClient({
    url: wsUrl, token: 'demo:' + state.prefs.name, device: state.prefs.device, resume,
    reconnect: { initialDelayMs: 500, maxDelayMs: 5000 },
  });
  state.client = client;
  client.on('state', onState);
  client.on('message', (m) => { addMessage(m); render(); });
  client.on('session', (e) => { if (e.gone) markGone(e.session, e.gone); else upsertSession(e); render(); });
  client.on('typing', onTyping);
  client.on('read', onRead);
  client.on('outbox', () => { saveOutbox(); render(); });
  client.on('rating', () => refreshNearby());
  client.on('error', (e) => console.warn('vicinity', e));
  setStatus('connecting', 'Connecting…');
  client.connect();
  window.vicinity.client = client;
}

function setStatus(kind, text) {
  const s = $('status');
  s.className = 'status ' + kind;
  s.dataset.state = kind;
  s.textContent = text;
}

function onState(s) {
  const first = state.conn.status !== 'connected' && s.status === 'connected';
  state.conn = s;
  const client = state.client;
  if (s.status === 'connected') {
    const info = client.connectionInfo;
    saveJson(sessionStorage, RESUME_KEY, { name: state.prefs.name, token: info.resume });
    state.user = s.user;
    state.limit = info.limits?.maxMessageLength ?? null;
    state.readOnly = false;
    state.lostReason = null;
    setStatus('online', 'Connected');
    showApp();
    if (first) onConnected(s.resumed);
  } else if (s.status === 'connecting' || s.status === 'reconnecting') {
    // What broke the connection stays on show through the attempts after it (which fail as connect_timeout).
    if (s.status === 'reconnecting') state.lostReason = state.lostReason ?? s.reason;
    if (!state.lostReason) {
      setStatus('connecting', 'Connecting…');
    } else {
      const why = state.lostReason === 'pong_timeout' ? 'the connection froze' : 'the connection dropped';
      setStatus('reconnecting', `Reconnecting… (${why})`);
    }
  } else if (s.status === 'stopped') {
    sessionStorage.removeItem(RESUME_KEY);
    if (s.reason === 'replaced') {
      state.readOnly = true;
      setStatus('replaced', 'Open in another tab');
    } else if (s.reason === 'closed') {
      setStatus('idle', 'Signed out');
    } else if (state.user) {
      setStatus('offline', 'Disconnected (' + s.reason + ')');
    } else {
      setStatus('idle', 'Not signed in');
      $('signin-error').textContent = 'Sign-in failed: ' + s.reason;
      $('signin-error').hidden = false;
      $('signin-card').hidden = false;
    }
  }
  $('replaced').hidden = !state.readOnly;
  render();
}

function showApp() {
  $('who').textContent = 'Signed in as ' + displayName(state.user);
  $('who').title = displayName(state.user);
  $('who').hidden = false;
  $('signin-card').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
}

/** After a handshake: restore what the page keeps (ended chats, unsent messages, location) and load history. */
function onConnected(resumed) {
  const chats = loadJson(localStorage, chatsKey(state.user)) || [];
  for (const c of chats) {
    const s = upsertSession(c.view);
    s.rated = s.rated || c.rated;
  }
  for (const view of state.client.connectionInfo.chat || []) upsertSession(view);
  for (const s of state.sessions.values()) loadHistory(s);
  const unsent = loadJson(sessionStorage, OUTBOX_KEY) || [];
  const queued = new Set(state.client.outbox().map((e) => e.clientId));
  for (const e of unsent) {
    // The same client id as before the reload: the server stores the message once even if it had it.
    if (e.user === state.user && !queued.has(e.clientId)) state.client.sendMessage(e.session, e.text, { clientId: e.clientId });
  }
  const loc = state.prefs.location;
  if (!resumed || !state.located) {
    if (loc && loc.source === 'precise') shareLocation();
    else if (loc) sendLocation(loc);
  }
  refreshNearby();
}

function saveOutbox() {
  if (!state.client) return;
  const unsent = state.client.outbox().filter((e) => e.state !== 'acked')
    .map((e) => ({ user: state.user, session: e.session, clientId: e.clientId, text: e.text }));
  saveJson(sessionStorage, OUTBOX_KEY, unsent);
}

function signOut() {
  state.client?.close();
  state.prefs.name = null;
  saveJson(localStorage, PREFS_KEY, state.prefs);
  sessionStorage.removeItem(RESUME_KEY);
  sessionStorage.removeItem(OUTBOX_KEY);
  location.reload();
}

// ------------------------------------------------------------------ location

async function sendLocation(place) {
  try {
    const ok = await state.client.updateLocation({ source: place.source, lat: place.lat, lon: place.lon, accuracy: place.accuracy || 0 });
    state.located = ok.discoverable;
    state.prefs.location = place.source === 'precise' ? { source: 'precise' } : place;
    saveJson(localStorage, PREFS_KEY, state.prefs);
    $('location-status').textContent = place.source === 'manual'
      ? `Using a place you picked (${place.label || 'custom'}). Others see only a distance bucket.`
      : `Sharing your location (±${Math.round(place.accuracy || 0)} m). Others see only a distance bucket.`;
    refreshNearby();
  } catch (e) {
    $('location-status').textContent = 'Location not accepted: ' + plain(e);
  }
}

function shareLocation() {
  if (!navigator.geolocation) { denied(); return; }
  $('location-status').textContent = 'Asking your browser for your location…';
  navigator.geolocation.getCurrentPosition(
    (p) => sendLocation({ source: 'precise', lat: p.coords.latitude, lon: p.coords.longitude,
                          accuracy: Math.min(p.coords.accuracy || 0, 10000) }),
    (err) => { if (err.code === err.PERMISSION_DENIED) denied(); else unavailable(err); },
    { timeout: 10000, maximumAge: 60000 });
}

function denied() {
  // Tell the server (the user stops being discoverable) and make the manual picker the way forward.
  state.client.updateLocation({ source: 'unknown' }).catch(() => {});
  state.located = false;
  $('denied').hidden = false;
  $('manual').classList.add('emphasis');
  $('location-status').textContent = 'Location permission denied.';
}

function unavailable(err) {
  $('location-status').textContent = 'Could not get your location (' + err.message + '). Pick a place instead.';
  $('manual').classList.add('emphasis');
}

function usePlace() {
  const v = $('place-select').value;
  let lat, lon, label;
  if (v === 'custom') {
    lat = parseFloat($('lat').value); lon = parseFloat($('lon').value); label = 'custom';
  } else {
    [lat, lon] = v.split(',').map(Number);
    label = $('place-select').selectedOptions[0].textContent;
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
    $('location-status').textContent = 'Enter a latitude and a longitude.';
    return;
  }
  sendLocation({ source: 'manual', lat, lon, accuracy: 100, label });
}

// ------------------------------------------------------------------ nearby

async function refreshNearby() {
  if (!state.located || state.conn.status !== 'connected') { renderNearby(); return; }
  try {
    const page = await state.client.nearby({ radius: NEARBY_RADIUS, limit: 30, includeOffline: true });
    state.nearby = page.users;
    if (page.users.length) {
      const p = await state.client.request('demo.profiles', { users: page.users.map((u) => u.user) });
      for (const prof of p.profiles) state.profiles.set(prof.user, prof);
    }
  } catch (e) {
    if (e.code === 'location_required') state.located = false;
  }
  renderNearby();
}

function hue(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.codePointAt(0)) >>> 0;
  return h;
}

const online = (u) => { const p = state.profiles.get(u.user); return p ? p.online : u.online; };

/** Reuses each child by key (no re-created buttons: focus and scroll stay where they are). */
function reconcile(container, items, keyOf, create, update) {
  // Moving a row (someone above it left) re-inserts it, which blurs a focused button in it: it gets the focus back.
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const old = new Map([...container.children].map((el) => [el.dataset.key, el]));
  items.forEach((item, i) => {
    const key = keyOf(item);
    let el = old.get(key);
    if (el) old.delete(key); else { el = create(item); el.dataset.key = key; }
    update(el, item);
    if (container.children[i] !== el) container.insertBefore(el, container.children[i] || null);
  });
  for (const el of old.values()) el.remove();
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}

function openSessionWith(user) {
  for (const s of state.sessions.values()) {
    if ((s.view.state === 'ACTIVE' || s.view.state === 'INVITED') && !s.gone && peers(s).includes(user) && isMember(s)) return s;
  }
  return null;
}

function personRow() {
  const li = document.createElement('li');
  li.innerHTML = '<div class="avatar" aria-hidden="true"><span class="initial"></span><span class="presence"></span></div>'
    + '<div class="person"><div class="name truncate"></div><div class="meta"><span class="distance"></span> · '
    + '<span class="online-state"></span> · <span class="rating"></span></div></div>'
    + '<button type="button" class="invite">Invite</button>';
  li.querySelector('.invite').onclick = () => invite(li.dataset.user);
  return li;
}

function updatePersonRow(li, u) {
  const prof = state.profiles.get(u.user) || {};
  const name = displayName(u.user);
  const on = online(u);
  li.dataset.user = u.user;
  const av = li.querySelector('.avatar');
  av.style.background = `hsl(${hue(u.user) % 360} 45% 38%)`;
  av.querySelector('.initial').textContent = [...name][0]?.toUpperCase() || '?';
  av.querySelector('.presence').className = 'presence' + (on ? ' online' : '');
  const n = li.querySelector('.name');
  n.textContent = name;
  n.title = name;
  if (prof.simulated) {
    const bot = document.createElement('span');
    bot.className = 'bot'; bot.textContent = 'simulated';
    n.append(' ', bot);
  }
  li.querySelector('.distance').textContent = u.distance;
  li.querySelector('.online-state').textContent = on ? 'online' : 'offline';
  li.querySelector('.rating').textContent = prof.shown && prof.score ? `★ ${prof.score.toFixed(1)} (${prof.ratings})`
    : (prof.ratings ? `${prof.ratings} rating${prof.ratings > 1 ? 's' : ''}` : 'no ratings yet');
  const btn = li.querySelector('.invite');
  const open = openSessionWith(u.user);
  const pending = state.inviting.has(u.user);
  btn.disabled = !on || pending || !!open || state.readOnly;
  btn.textContent = pending ? 'Inviting…' : open ? (open.view.state === 'ACTIVE' ? 'In chat' : 'Invited') : 'Invite';
  btn.setAttribute('aria-label', `${btn.textContent} ${name}`);
}

function renderNearby() {
  const on = state.nearby.filter(online);
  const off = state.nearby.filter((u) => !online(u));
  reconcile($('nearby-list'), on, (u) => u.user, personRow, updatePersonRow);
  reconcile($('offline-list'), off, (u) => u.user, personRow, updatePersonRow);
  $('offline-block').hidden = off.length === 0;
  $('nearby-empty').hidden = state.nearby.length > 0;
  $('nearby-empty').textContent = state.located ? 'Nobody around yet within 10 km.' : 'Share a location to see who is around.';
  renderRadar();
}

function renderRadar() {
  const svg = $('radar');
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const parts = [];
  BUCKET_EDGES.forEach((label, i) => {
    parts.push(el('circle', { r: ringRadius(i), class: 'ring', 'data-bucket': i }));
    parts.push(el('text', { x: 2, y: -ringRadius(i) + 8, class: 'ring-label' }, label));
  });
  parts.push(el('circle', { r: 5, class: 'me' }));
  for (const u of state.nearby) {
    // Angle from a hash of the id: stable, and reveals nothing about the real bearing. The radius is
    // inside the band of the user's bucket (between its inner and outer ring), spread by another hash.
    const b = Math.min(Math.max(u.bucket, 0), BUCKET_EDGES.length - 1);
    const a = (hue(u.user) % 360) * Math.PI / 180;
    const inner = b === 0 ? 8 : ringRadius(b - 1);
    const r = inner + 3 + ((hue(u.user) >>> 9) % (BAND - 6));
    const name = displayName(u.user);
    const g = el('g', { class: 'user', 'data-user': u.user, 'data-bucket': b, 'data-r': r.toFixed(1) });
    g.append(el('title', {}, `${name}, ${u.distance}`));
    g.append(el('circle', { cx: Math.cos(a) * r, cy: Math.sin(a) * r, r: 4.5, class: 'dot ' + (online(u) ? 'online' : 'offline') }));
    g.append(el('text', { x: Math.cos(a) * r + 6, y: Math.sin(a) * r + 3, class: 'name' },
      [...name].length > 12 ? [...name].slice(0, 11).join('') + '…' : name));
    parts.push(g);
  }
  svg.replaceChildren(...parts);
}

// ------------------------------------------------------------------ chat

function upsertSession(view) {
  let s = state.sessions.get(view.session);
  if (!s) {
    s = { view, messages: new Map(), typing: new Map(), rated: false, gone: null, note: null };
    state.sessions.set(view.session, s);
    const cur = state.sessions.get(state.active);
    if (!cur || cur.view.state !== 'ACTIVE') {
      if (view.state === 'ACTIVE' || view.inviter === state.user) state.active = view.session;
    }
    if (state.conn.status === 'connected') loadHistory(s);
  } else if (view.version > s.view.version) {
    s.view = view;
  }
  if (s.view.state === 'ACTIVE' && !state.sessions.get(state.active)) state.active = s.view.session;
  if (s.view.state === 'ENDED') saveEnded();
  return s;
}

function markGone(id, code) {
  const s = state.sessions.get(id);
  if (s) s.gone = code;
}

/** Ended chats, kept per user in localStorage so they can be rated after a reload (the server lists only open ones). */
function saveEnded() {
  if (!state.user) return;
  const ended = [...state.sessions.values()].filter((s) => s.view.state === 'ENDED')
    .map((s) => ({ view: s.view, rated: s.rated })).slice(-20);
  saveJson(localStorage, chatsKey(state.user), ended);
}

function addMessage(m) {
  const s = state.sessions.get(m.session);
  if (!s || s.messages.has(m.seq)) return; // the client delivers each once; history loads may overlap
  s.messages.set(m.seq, m);
  s.typing.delete(m.from);
}

async function loadHistory(s) {
  let after = 0;
  try {
    for (;;) {
      const h = await state.client.history(s.view.session, after, 100);
      for (const m of h.messages) addMessage({ ...m, session: s.view.session });
      if (!h.messages.length || h.messages[h.messages.length - 1].seq >= h.top) break;
      after = h.messages[h.messages.length - 1].seq;
    }
  } catch { /* not joined (left, declined) or offline: what we have is all there is */ }
  render();
}

const me = (s) => s.view.participants.find((p) => p.user === state.user);
const isMember = (s) => ['JOINED', 'INVITED'].includes(me(s)?.state);
const peers = (s) => s.view.participants.filter((p) => p.user !== state.user).map((p) => p.user);
const peerNames = (s) => peers(s).map(displayName).join(', ');

async function invite(user) {
  if (state.inviting.has(user) || openSessionWith(user)) return; // one invite at a time per person
  state.inviting.add(user);
  renderNearby();
  try {
    const ok = await state.client.invite([user]);
    upsertSession(ok);
    state.active = ok.session;
  } catch (e) {
    toast('Could not invite ' + displayName(user) + ': ' + plain(e), e.code);
  } finally {
    state.inviting.delete(user);
    render();
  }
}

async function act(action, session, extra) {
  try {
    const ok = await action();
    if (ok && ok.state) upsertSession(ok);
    if (extra) extra(ok);
  } catch (e) {
    toast(plain(e), e.code);
  }
  render();
}

function send() {
  const s = state.sessions.get(state.active);
  const input = $('chat-input');
  const text = input.value;
  if (!s || !text.trim() || tooLong(text)) return;
  state.client.sendMessage(s.view.session, text); // the outbox keeps it until the server has stored it
  input.value = '';
  saveOutbox();
  renderCounter();
  render(true);
}

const tooLong = (text) => state.limit !== null && codePoints(text) > state.limit;

function onTyping(f) {
  const s = state.sessions.get(f.session);
  if (!s || f.user === state.user) return;
  s.typing.set(f.user, f.until);
  renderTyping();
  setTimeout(renderTyping, Math.max(0, f.until - Date.now()) + 50);
}

function onRead(f) {
  const s = state.sessions.get(f.session);
  if (!s) return;
  const p = s.view.participants.find((x) => x.user === f.user);
  if (p && f.seq > (p.lastRead || 0)) p.lastRead = f.seq;
  render();
}

function markRead(s) {
  const top = Math.max(0, ...s.messages.keys());
  const m = me(s);
  if (!m || m.state !== 'JOINED' || s.view.state !== 'ACTIVE' || top <= (m.lastRead || 0)) return;
  if (state.conn.status !== 'connected') return;
  m.lastRead = top;
  state.client.markRead(s.view.session, top).catch(() => {});
}

// ------------------------------------------------------------------ rendering

function render(scrollToEnd = false) {
  // Re-rendering never takes focus away: a replaced focused element's twin gets it back.
  const focused = document.activeElement?.dataset?.focusKey;
  renderInvites();
  renderTabs();
  renderChat(scrollToEnd);
  renderNearby();
  if (focused && !document.activeElement?.dataset?.focusKey) {
    document.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  }
}

function renderInvites() {
  const invites = [...state.sessions.values()].filter((s) => s.view.state === 'INVITED' && me(s)?.state === 'INVITED' && !s.gone);
  reconcile($('invites'), invites, (s) => s.view.session, (s) => {
    const card = document.createElement('div');
    card.className = 'invite-card';
    card.innerHTML = '<span class="invite-text"></span><div class="actions">'
      + '<button type="button" class="accept">Accept</button><button type="button" class="decline secondary">Decline</button></div>';
    const id = s.view.session;
    card.querySelector('.accept').onclick = () => act(() => state.client.accept(id), id, () => { state.active = id; loadHistory(state.sessions.get(id)); });
    card.querySelector('.decline').onclick = () => act(() => state.client.decline(id), id);
    card.querySelector('.accept').dataset.focusKey = 'accept-' + id;
    card.querySelector('.decline').dataset.focusKey = 'decline-' + id;
    return card;
  }, (card, s) => {
    card.dataset.session = s.view.session;
    const t = card.querySelector('.invite-text');
    t.textContent = `${displayName(s.view.inviter)} invites you to chat`;
    t.title = t.textContent;
    card.querySelectorAll('button').forEach((b) => { b.disabled = state.readOnly; });
  });
}

function renderTabs() {
  const list = [...state.sessions.values()].filter((s) => !(s.view.state === 'INVITED' && me(s)?.state === 'INVITED'));
  reconcile($('session-tabs'), list, (s) => s.view.session, (s) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.focusKey = 'tab-' + s.view.session;
    b.onclick = () => { state.active = s.view.session; state.stars = 0; $('rating-result').hidden = true; render(true); };
    return b;
  }, (b, s) => {
    const active = s.view.session === state.active;
    b.className = 'tab' + (active ? ' active' : '');
    b.setAttribute('aria-pressed', String(active));
    const unread = Math.max(0, ...s.messages.keys()) - (me(s)?.lastRead || 0);
    b.textContent = peerNames(s);
    b.title = peerNames(s) + ' · ' + stateLabel(s);
    if (!active && unread > 0 && s.view.state === 'ACTIVE') {
      const badge = document.createElement('span');
      badge.className = 'badge'; badge.textContent = unread;
      badge.setAttribute('aria-label', unread + ' unread');
      b.append(badge);
    }
  });
}

function stateLabel(s) {
  const v = s.view;
  if (s.gone) return 'no longer available';
  if (v.state === 'ENDED') return 'ended · ' + (v.endReason || '').replaceAll('_', ' ');
  return v.state.toLowerCase();
}

function renderChat(scrollToEnd) {
  const s = state.sessions.get(state.active);
  const visible = s && !(s.view.state === 'INVITED' && me(s)?.state === 'INVITED');
  $('chat').hidden = !visible;
  $('chat-empty').hidden = !!visible;
  if (!visible) return;
  const v = s.view;
  const offline = state.conn.status !== 'connected';
  $('chat-title').textContent = peerNames(s);
  $('chat-title').title = peerNames(s);
  $('chat-state').textContent = stateLabel(s);
  $('chat-state').dataset.state = s.gone ? 'GONE' : v.state;
  const live = v.state === 'ACTIVE' && me(s)?.state === 'JOINED' && !s.gone;
  const open = (v.state === 'ACTIVE' || v.state === 'INVITED') && !s.gone;
  const canWrite = live && !state.readOnly;
  $('composer').hidden = !live;
  $('chat-input').disabled = !canWrite;
  $('leave').disabled = !open || state.readOnly || offline;
  $('block').disabled = !open || state.readOnly || offline;
  $('leave').textContent = v.state === 'INVITED' && v.inviter === state.user ? 'Cancel' : 'Leave';
  const note = $('chat-note');
  note.hidden = !(live && (offline || state.readOnly));
  note.textContent = state.readOnly ? 'Read-only: this chat is open in another tab.'
    : 'You are offline. What you send now waits and goes out once the connection is back.';
  renderCounter();

  const list = $('messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const keepTop = list.scrollTop;
  const items = [];
  if (v.state === 'INVITED') items.push(system(`Waiting for ${peerNames(s)} to accept…`));
  const othersRead = Math.max(0, ...v.participants.filter((p) => p.user !== state.user).map((p) => p.lastRead || 0));
  for (const m of [...s.messages.values()].sort((a, b) => a.seq - b.seq)) {
    const li = document.createElement('li');
    const mine = m.from === state.user;
    li.className = 'message' + (mine ? ' mine' : '');
    li.dataset.seq = m.seq;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = m.text;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const time = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.textContent = (mine ? '' : displayName(m.from) + ' · ') + time + (mine && othersRead >= m.seq ? ' · ✓ read' : '');
    li.append(body, meta);
    items.push(li);
  }
  for (const e of state.client ? state.client.outbox().filter((x) => x.session === v.session && x.state !== 'acked') : []) {
    const li = document.createElement('li');
    li.className = 'message mine pending ' + e.state;
    li.dataset.clientId = e.clientId;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = e.text;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = e.state === 'failed' ? 'Not sent: ' + plain(e.error)
      : offline ? 'Waiting for the connection…' : 'Sending…';
    li.append(body, meta);
    if (e.state === 'failed') {
      if (live) {
        const retry = document.createElement('button');
        retry.type = 'button'; retry.className = 'link'; retry.textContent = 'Retry';
        retry.dataset.focusKey = 'retry-' + e.clientId;
        retry.onclick = () => { state.client.retryMessage(e.clientId); render(); };
        li.append(retry);
      }
      const drop = document.createElement('button');
      drop.type = 'button'; drop.className = 'link'; drop.textContent = 'Discard';
      drop.dataset.focusKey = 'discard-' + e.clientId;
      drop.onclick = () => { state.client.discardMessage(e.clientId); saveOutbox(); render(); };
      li.append(' ', drop);
    }
    items.push(li);
  }
  if (['ENDED', 'DECLINED', 'CANCELLED', 'EXPIRED'].includes(v.state) || s.gone) items.push(system('Chat ' + stateLabel(s)));
  list.replaceChildren(...items);
  list.scrollTop = scrollToEnd || atEnd ? list.scrollHeight : keepTop;
  if (live && !offline && document.visibilityState !== 'hidden') markRead(s);
  renderTyping();
  renderRating(s);
}

function renderCounter() {
  const text = $('chat-input').value;
  const n = codePoints(text);
  const c = $('counter');
  const over = tooLong(text);
  c.textContent = state.limit === null ? '' : over ? `${n} / ${state.limit} characters: ${n - state.limit} too many`
    : n > 0 ? `${n} / ${state.limit} characters` : '';
  c.classList.toggle('over', over);
  $('chat-send').disabled = over || !text.trim() || $('chat-input').disabled;
}

function system(text) {
  const li = document.createElement('li');
  li.className = 'system';
  li.textContent = text;
  return li;
}

function renderTyping() {
  const s = state.sessions.get(state.active);
  const now = Date.now();
  const who = s ? [...s.typing].filter(([, until]) => until > now).map(([u]) => displayName(u)) : [];
  $('typing').textContent = who.length ? who.join(', ') + (who.length > 1 ? ' are' : ' is') + ' typing…' : '';
}

function renderRating(s) {
  const form = $('rating-form');
  // ENDED is only reachable from ACTIVE, so every ended chat can be rated (once per peer).
  form.hidden = !(s.view.state === 'ENDED' && !s.rated);
  if (form.hidden) return;
  $('rating-peer').textContent = peerNames(s);
  form.querySelectorAll('.star').forEach((b) => {
    const on = Number(b.dataset.stars) <= state.stars;
    b.classList.toggle('on', on);
    b.setAttribute('aria-pressed', String(Number(b.dataset.stars) === state.stars));
  });
  $('rating-submit').disabled = state.stars === 0 || state.readOnly;
}

async function submitRating() {
  const s = state.sessions.get(state.active);
  if (!s || !state.stars) return;
  const results = [];
  let code = '';
  for (const ratee of peers(s)) {
    try {
      const ok = await state.client.submitRating({ session: s.view.session, ratee, stars: state.stars,
                                                   idempotencyKey: s.view.session + ':' + ratee });
      const name = displayName(ratee);
      results.push(ok.state === 'SEALED' ? `Thanks! Your rating of ${name} stays hidden until they rate too.`
                                         : `Thanks! Ratings with ${name} are now revealed.`);
    } catch (e) {
      code = e.code;
      results.push(plain(e));
    }
  }
  s.rated = true;
  saveEnded();
  state.stars = 0;
  render();
  $('rating-result').textContent = results.join(' ');
  $('rating-result').dataset.code = code;
  $('rating-result').hidden = false;
  refreshNearby();
}

function toast(text, code) {
  const t = $('toast');
  t.textContent = text;
  t.dataset.code = code || '';
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}

// ------------------------------------------------------------------ wiring

function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function init() {
  window.vicinity = state; // for the browser test and the curious
  try {
    state.VicinityClient = (await import('./vicinity-client/index.js')).VicinityClient;
  } catch (e) {
    $('missing-client').hidden = false;
    $('signin').disabled = true;
    console.warn('no @vicinity/client in this build', e);
    return;
  }
  if (!state.prefs.device) {
    state.prefs.device = 'web-' + randomId();
    saveJson(localStorage, PREFS_KEY, state.prefs);
  }
  $('signin-form').onsubmit = (e) => {
    e.preventDefault();
    const name = $('name').value.trim();
    if (!name || state.client) return;
    state.prefs.name = name;
    saveJson(localStorage, PREFS_KEY, state.prefs);
    start();
  };
  $('share-location').onclick = shareLocation;
  $('use-place').onclick = usePlace;
  $('place-select').onchange = () => { $('custom').hidden = $('place-select').value !== 'custom'; };
  $('refresh').onclick = refreshNearby;
  $('composer').onsubmit = (e) => { e.preventDefault(); send(); };
  $('chat-input').onkeydown = (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  };
  $('chat-input').oninput = () => {
    renderCounter();
    const now = Date.now();
    if (now - state.lastTyping > 2000 && state.active && state.conn.status === 'connected') {
      state.lastTyping = now;
      state.client.typing(state.active).catch(() => {});
    }
  };
  $('leave').onclick = () => {
    const s = state.sessions.get(state.active);
    if (!s) return;
    const id = s.view.session;
    const cancel = s.view.state === 'INVITED' && s.view.inviter === state.user;
    act(() => (cancel ? state.client.request('chat.cancel', { session: id }) : state.client.leave(id)), id);
  };
  $('block').onclick = () => {
    const s = state.sessions.get(state.active);
    if (s && confirm('Block ' + peerNames(s) + '? You will not see each other any more.')) {
      const id = s.view.session;
      act(() => state.client.request('chat.block', { session: id, user: peers(s)[0] }), id, refreshNearby);
    }
  };
  $('stars').onclick = (e) => {
    const b = e.target.closest('.star');
    if (b) { state.stars = Number(b.dataset.stars); render(); }
  };
  $('rating-form').onsubmit = (e) => { e.preventDefault(); submitRating(); };
  $('take-over').onclick = () => { state.client.connect(); };
  $('sign-out').onclick = signOut;
  // For trying reconnect + resume by hand: 4000 is not a normal close, so the server keeps the connection resumable.
  $('drop').onclick = () => state.client?.['ws']?.close(4000, 'simulated drop');
  setInterval(refreshNearby, 5000);
  setInterval(renderTyping, 1000);
  if (state.prefs.name) {
    $('name').value = state.prefs.name;
    start(); // a reload: signed in again with the same name (and the same connection, if it can resume)
  }
}

init();
