// Vicinity demo client: a plain ES module speaking the protocol of docs/protocol.md over one WebSocket.
// Everything the server knows about this tab (resume token, last sequence per chat) lives in `state`.

const $ = (id) => document.getElementById(id);
const STOP_CODES = new Set([1000, 4200, 4201, 4202, 4203, 4204]); // never reconnect after these
const NEARBY_RADIUS = 10000;
const BUCKET_RING = [24, 46, 66, 86, 106]; // radar radius per distance bucket index

const state = {
  name: null, user: null, device: null, ws: null, resume: null, heartbeat: null, reconnectDelay: 500,
  reqs: new Map(), nextId: 1, sessions: new Map(), active: null, nearby: [], profiles: new Map(),
  located: false, lastTyping: 0, ratingStars: 0, stopped: false,
};

// ------------------------------------------------------------------ connection

function wsUrl() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}

function setStatus(kind, text) {
  const s = $('status');
  s.className = 'status ' + kind;
  s.dataset.state = kind;
  s.textContent = text;
}

function connect() {
  const ws = new WebSocket(wsUrl());
  state.ws = ws;
  ws.onopen = () => {
    if (state.resume) {
      const sessions = {};
      for (const [id, s] of state.sessions) sessions[id] = lastSeq(s);
      request({ type: 'resume', v: 1, resume: state.resume, chat: { sessions } }, ws)
        .then(onAttached)
        .catch(() => hello(ws)); // token unknown or expired: start over with hello, then reload
    } else {
      hello(ws);
    }
  };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = (e) => {
    if (state.ws !== ws) return;
    clearInterval(state.heartbeat);
    for (const [, r] of state.reqs) r.reject({ code: 'disconnected' });
    state.reqs.clear();
    if (state.stopped || STOP_CODES.has(e.code)) {
      setStatus('offline', e.code === 4200 ? 'Replaced by another tab' : 'Offline');
      return;
    }
    setStatus('reconnecting', 'Reconnecting…');
    setTimeout(connect, state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 5000);
  };
}

function hello(ws) {
  request({ type: 'hello', v: 1, token: 'demo:' + state.name, device: state.device }, ws)
    .then((w) => {
      onAttached(w);
      // A fresh connection replays nothing: fetch whatever each open chat has beyond what we hold.
      for (const s of state.sessions.values()) loadHistory(s);
      if (state.place) sendLocation(state.place);
    })
    .catch((e) => {
      $('signin-error').textContent = 'Sign-in failed: ' + (e.message || e.code);
      $('signin-error').hidden = false;
    });
}

function onAttached(w) {
  state.resume = w.resume;
  state.user = w.user;
  state.reconnectDelay = 500;
  setStatus('online', 'Connected');
  $('who').textContent = 'Signed in as ' + w.user;
  $('who').hidden = false;
  $('signin-card').hidden = true;
  $('app').hidden = false;
  clearInterval(state.heartbeat);
  state.heartbeat = setInterval(() => request({ type: 'ping' }).catch(() => {}), (w.heartbeatSeconds || 15) * 1000);
  for (const view of w.chat || []) upsertSession(view, view.top);
  render();
  refreshNearby();
}

function request(frame, ws = state.ws) {
  const id = String(state.nextId++);
  frame.id = id;
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) { reject({ code: 'disconnected' }); return; }
    state.reqs.set(id, { resolve, reject });
    ws.send(JSON.stringify(frame));
  });
}

function onFrame(f) {
  if (f.re !== undefined && f.re !== null) {
    const r = state.reqs.get(f.re);
    if (!r) return;
    state.reqs.delete(f.re);
    if (f.type === 'error') r.reject(f); else r.resolve(f);
    return;
  }
  switch (f.type) {
    case 'chat.session': upsertSession(f); render(); break;
    case 'chat.message': addMessage(f); render(); break;
    case 'chat.typing': onTyping(f); break;
    case 'chat.read': onRead(f); break;
    case 'chat.resumed': if (f.state) upsertSession(f); if (!f.recovered) reloadSession(f.session); render(); break;
    case 'chat.resync': reloadSession(f.session); break;
    case 'error': console.warn('server error', f); break;
    default: break;
  }
}

// ------------------------------------------------------------------ location

function sendLocation(place) {
  state.place = place;
  return request({ type: 'geo.location', source: place.source, lat: place.lat, lon: place.lon,
                   accuracy: place.accuracy || 0 })
    .then((ok) => {
      state.located = ok.discoverable;
      $('location-status').textContent = place.source === 'manual'
        ? `Using a place you picked (${place.label || 'custom'}). Others see only a distance bucket.`
        : `Sharing your location (±${Math.round(place.accuracy || 0)} m). Others see only a distance bucket.`;
      refreshNearby();
    })
    .catch((e) => { $('location-status').textContent = 'Location refused: ' + (e.message || e.code); });
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
  request({ type: 'geo.location', source: 'unknown' }).catch(() => {});
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
  if (!state.located || !state.ws || state.ws.readyState !== WebSocket.OPEN) { renderNearby(); return; }
  try {
    const page = await request({ type: 'geo.nearby', radius: NEARBY_RADIUS, limit: 30, includeOffline: true });
    state.nearby = page.users;
    if (page.users.length) {
      const p = await request({ type: 'demo.profiles', users: page.users.map((u) => u.user) });
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

function renderNearby() {
  const list = $('nearby-list');
  list.replaceChildren();
  $('nearby-empty').hidden = state.nearby.length > 0;
  $('nearby-empty').textContent = state.located ? 'Nobody around yet within 10 km.' : 'Share a location to see who is around.';
  for (const u of state.nearby) {
    const prof = state.profiles.get(u.user) || {};
    const li = document.createElement('li');
    li.dataset.user = u.user;
    const av = document.createElement('div');
    av.className = 'avatar';
    av.style.background = `hsl(${hue(u.user) % 360} 60% 55%)`;
    av.textContent = u.user.slice(0, 1).toUpperCase();
    const dot = document.createElement('span');
    dot.className = 'presence' + (prof.online ? ' online' : '');
    av.append(dot);
    const person = document.createElement('div');
    person.className = 'person';
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = u.user;
    if (prof.simulated) {
      const bot = document.createElement('span');
      bot.className = 'bot'; bot.textContent = 'simulated';
      name.append(' ', bot);
    }
    const meta = document.createElement('div');
    meta.className = 'meta';
    const score = prof.shown && prof.score ? `<span class="score">★ ${prof.score.toFixed(1)}</span> (${prof.ratings})`
      : (prof.ratings ? `${prof.ratings} rating${prof.ratings > 1 ? 's' : ''}` : 'no ratings yet');
    meta.innerHTML = `<span class="distance">${u.distance}</span> · <span class="online-state">${prof.online ? 'online' : 'offline'}</span> · ${score}`;
    person.append(name, meta);
    const btn = document.createElement('button');
    btn.className = 'invite';
    btn.textContent = 'Invite';
    btn.disabled = !prof.online;
    btn.onclick = () => invite(u.user);
    li.append(av, person, btn);
    list.append(li);
  }
  renderRadar();
}

function renderRadar() {
  const svg = $('radar');
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const labels = ['1 km', '2 km', '3 km', '5 km', '10 km'];
  BUCKET_RING.forEach((r, i) => {
    const c = document.createElementNS(ns, 'circle');
    c.setAttribute('r', r + 11); c.setAttribute('class', 'ring');
    svg.append(c);
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', 2); t.setAttribute('y', -(r + 12)); t.setAttribute('class', 'ring-label');
    t.textContent = labels[i];
    svg.append(t);
  });
  const me = document.createElementNS(ns, 'circle');
  me.setAttribute('r', 5); me.setAttribute('class', 'me');
  svg.append(me);
  for (const u of state.nearby) {
    // Angle from a hash of the id: stable, and reveals nothing about the real bearing.
    const a = (hue(u.user) % 360) * Math.PI / 180;
    // Spread dots across their ring's band (also hash-derived) so neighbours in one bucket overlap less.
    const r = BUCKET_RING[Math.min(u.bucket, BUCKET_RING.length - 1)] + ((hue(u.user) >>> 9) % 17) - 8;
    const prof = state.profiles.get(u.user) || {};
    const c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', Math.cos(a) * r); c.setAttribute('cy', Math.sin(a) * r); c.setAttribute('r', 5);
    c.setAttribute('class', 'dot ' + (prof.online ? 'online' : 'offline'));
    svg.append(c);
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', Math.cos(a) * r + 7); t.setAttribute('y', Math.sin(a) * r + 3); t.setAttribute('class', 'name');
    t.textContent = u.user;
    svg.append(t);
  }
}

// ------------------------------------------------------------------ chat

function upsertSession(view, top) {
  // Frames carry a session flattened, its id under "session"; keep it as view.id here.
  if (view.id === undefined) view = { ...view, id: view.session };
  let s = state.sessions.get(view.id);
  if (!s) {
    s = { view, messages: new Map(), pending: new Map(), typing: new Map(), rated: false, top: 0 };
    state.sessions.set(view.id, s);
    if (!state.active || state.sessions.get(state.active)?.view.state !== 'ACTIVE') {
      if (view.state === 'ACTIVE' || view.inviter === state.user) state.active = view.id;
    }
  } else if (view.version <= s.view.version) {
    return s; // announced more than once (locally and through the bus): keep the newest
  } else {
    s.view = view;
  }
  if (top !== undefined) s.top = Math.max(s.top, top);
  if (view.state === 'ACTIVE' && !state.sessions.get(state.active)) state.active = view.id;
  return s;
}

function lastSeq(s) {
  let n = 0;
  while (s.messages.has(n + 1)) n++;
  return n;
}

function addMessage(m) {
  const s = state.sessions.get(m.session);
  if (!s || s.messages.has(m.seq)) return; // duplicates are dropped by sequence number
  s.messages.set(m.seq, m);
  s.top = Math.max(s.top, m.seq);
  if (m.from === state.user) s.pending.delete(m.clientId);
  s.typing.delete(m.from);
  const expected = lastSeq(s);
  if (m.seq > expected + 1) loadHistory(s); // a gap: fill it from history
}

async function loadHistory(s) {
  if (!['ACTIVE', 'ENDED'].includes(s.view.state) || !isJoined(s)) return;
  try {
    let after = lastSeq(s);
    for (;;) {
      const h = await request({ type: 'chat.history', session: s.view.id, after, limit: 100 });
      for (const m of h.messages) addMessage({ ...m, session: s.view.id });
      if (!h.messages.length || lastSeq(s) >= h.top) break;
      after = lastSeq(s);
    }
  } catch (e) { /* not joined any more, or offline: the next resume will catch up */ }
  render();
}

function reloadSession(id) {
  const s = state.sessions.get(id);
  if (s) { s.messages.clear(); loadHistory(s); }
}

function isJoined(s) {
  return s.view.participants.some((p) => p.user === state.user && p.state === 'JOINED');
}

function peers(s) {
  return s.view.participants.filter((p) => p.user !== state.user).map((p) => p.user);
}

async function invite(user) {
  try {
    const ok = await request({ type: 'chat.invite', to: [user] });
    upsertSession(ok);
    state.active = ok.session;
    render();
  } catch (e) { alert('Could not invite: ' + (e.message || e.code)); }
}

async function act(type, session, extra = {}) {
  try {
    const ok = await request({ type, session, ...extra });
    if (ok.state) upsertSession(ok);
    if (type === 'chat.accept') { state.active = session; loadHistory(state.sessions.get(session)); }
    render();
  } catch (e) { console.warn(type, e); }
}

function send(text) {
  const s = state.sessions.get(state.active);
  if (!s || !text.trim()) return;
  const clientId = 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
  s.pending.set(clientId, text);
  render();
  trySend(s, clientId, text);
}

function trySend(s, clientId, text) {
  // Safe to retry with the same clientId: the server stores it once and answers the same seq.
  request({ type: 'chat.send', session: s.view.id, clientId, text })
    .then((ok) => {
      if (!s.messages.has(ok.seq)) {
        addMessage({ session: s.view.id, seq: ok.seq, from: state.user, clientId, text, at: Date.now() });
      }
      s.pending.delete(clientId);
      render();
    })
    .catch((e) => {
      if (e.code === 'disconnected') setTimeout(() => trySend(s, clientId, text), 1000);
      else { s.pending.delete(clientId); render(); alert('Not sent: ' + (e.message || e.code)); }
    });
}

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
  if (p && f.seq > p.lastRead) p.lastRead = f.seq;
  render();
}

function markRead(s) {
  const top = lastSeq(s);
  const me = s.view.participants.find((p) => p.user === state.user);
  if (!me || me.state !== 'JOINED' || s.view.state !== 'ACTIVE' || top <= (me.lastRead || 0)) return;
  me.lastRead = top;
  request({ type: 'chat.read', session: s.view.id, seq: top }).catch(() => {});
}

// ------------------------------------------------------------------ rendering

function render() {
  renderInvites();
  renderTabs();
  renderChat();
}

function renderInvites() {
  const box = $('invites');
  box.replaceChildren();
  for (const s of state.sessions.values()) {
    const me = s.view.participants.find((p) => p.user === state.user);
    if (s.view.state !== 'INVITED' || !me || me.state !== 'INVITED') continue;
    const card = document.createElement('div');
    card.className = 'invite-card';
    card.dataset.session = s.view.id;
    const text = document.createElement('span');
    text.textContent = `${s.view.inviter} invites you to chat`;
    const actions = document.createElement('div');
    actions.className = 'actions';
    const accept = document.createElement('button');
    accept.className = 'accept'; accept.textContent = 'Accept';
    accept.onclick = () => act('chat.accept', s.view.id);
    const decline = document.createElement('button');
    decline.className = 'decline secondary'; decline.textContent = 'Decline';
    decline.onclick = () => act('chat.decline', s.view.id);
    actions.append(accept, decline);
    card.append(text, actions);
    box.append(card);
  }
}

function renderTabs() {
  const tabs = $('session-tabs');
  tabs.replaceChildren();
  for (const s of state.sessions.values()) {
    const me = s.view.participants.find((p) => p.user === state.user);
    if (s.view.state === 'INVITED' && me?.state === 'INVITED') continue;
    const b = document.createElement('button');
    b.className = 'tab' + (s.view.id === state.active ? ' active' : '');
    b.textContent = peers(s).join(', ');
    const unread = lastSeq(s) - (me?.lastRead || 0);
    if (s.view.id !== state.active && unread > 0 && s.view.state === 'ACTIVE') {
      const badge = document.createElement('span');
      badge.className = 'badge'; badge.textContent = unread;
      b.append(badge);
    }
    b.onclick = () => {
      state.active = s.view.id; state.ratingStars = 0; $('rating-result-global').hidden = true; render();
    };
    tabs.append(b);
  }
}

function stateLabel(v) {
  if (v.state === 'ENDED') return 'ended · ' + (v.endReason || '').replace('_', ' ');
  return v.state.toLowerCase();
}

function renderChat() {
  const s = state.sessions.get(state.active);
  const me = s?.view.participants.find((p) => p.user === state.user);
  const visible = s && !(s.view.state === 'INVITED' && me?.state === 'INVITED');
  $('chat').hidden = !visible;
  $('chat-empty').hidden = !!visible;
  if (!visible) return;
  const v = s.view;
  $('chat-title').textContent = peers(s).join(', ');
  $('chat-state').textContent = stateLabel(v);
  $('chat-state').dataset.state = v.state;
  const live = v.state === 'ACTIVE' && me?.state === 'JOINED';
  const open = v.state === 'ACTIVE' || v.state === 'INVITED';
  $('composer').hidden = !live;
  $('leave').disabled = !open;
  $('block').disabled = !open;
  $('leave').textContent = v.state === 'INVITED' && v.inviter === state.user ? 'Cancel' : 'Leave';

  const list = $('messages');
  list.replaceChildren();
  if (v.state === 'INVITED') list.append(system(`Waiting for ${peers(s).join(', ')} to accept…`));
  const othersRead = Math.max(0, ...v.participants.filter((p) => p.user !== state.user).map((p) => p.lastRead || 0));
  for (const m of [...s.messages.values()].sort((a, b) => a.seq - b.seq)) {
    const li = document.createElement('li');
    const mine = m.from === state.user;
    li.className = 'message' + (mine ? ' mine' : '');
    li.dataset.seq = m.seq;
    li.textContent = m.text;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const time = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.textContent = (mine ? '' : m.from + ' · ') + time + (mine && othersRead >= m.seq ? ' · ✓ read' : '');
    li.append(meta);
    list.append(li);
  }
  for (const [, text] of s.pending) {
    const li = document.createElement('li');
    li.className = 'message mine pending';
    li.textContent = text;
    list.append(li);
  }
  if (v.state === 'ENDED' || v.state === 'DECLINED' || v.state === 'CANCELLED' || v.state === 'EXPIRED') {
    list.append(system('Chat ' + stateLabel(v)));
  }
  list.scrollTop = list.scrollHeight;
  if (live && document.visibilityState !== 'hidden') markRead(s);
  renderTyping();
  renderRating(s);
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
  const who = s ? [...s.typing].filter(([, until]) => until > now).map(([u]) => u) : [];
  $('typing').textContent = who.length ? who.join(', ') + (who.length > 1 ? ' are' : ' is') + ' typing…' : '';
}

function renderRating(s) {
  const form = $('rating-form');
  // ENDED is only reachable from ACTIVE, so every ended chat can be rated (once per peer).
  form.hidden = !(s.view.state === 'ENDED' && !s.rated);
  if (form.hidden) return;
  $('rating-peer').textContent = peers(s).join(', ');
  form.querySelectorAll('.star').forEach((b) => b.classList.toggle('on', Number(b.dataset.stars) <= state.ratingStars));
  $('rating-submit').disabled = state.ratingStars === 0;
}

async function submitRating() {
  const s = state.sessions.get(state.active);
  if (!s || !state.ratingStars) return;
  const results = [];
  for (const ratee of peers(s)) {
    try {
      const ok = await request({ type: 'rating.submit', session: s.view.id, ratee, stars: state.ratingStars,
                                 idempotencyKey: s.view.id + ':' + ratee });
      results.push(ok.state === 'SEALED' ? `Thanks! Your rating of ${ratee} stays hidden until they rate too.`
                                         : `Thanks! Ratings with ${ratee} are now revealed.`);
    } catch (e) {
      results.push(e.code === 'already_rated' ? `You already rated ${ratee}.` : 'Could not rate: ' + (e.message || e.code));
    }
  }
  s.rated = true;
  state.ratingStars = 0;
  render();
  $('rating-result-global').textContent = results.join(' ');
  $('rating-result-global').hidden = false;
  refreshNearby();
}

// ------------------------------------------------------------------ wiring

function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function init() {
  state.device = sessionStorage.getItem('vicinity.device') || ('web-' + randomId());
  sessionStorage.setItem('vicinity.device', state.device);
  const thanks = document.createElement('p');
  thanks.id = 'rating-result-global'; thanks.className = 'muted center'; thanks.hidden = true;
  $('chat-card').append(thanks);

  $('signin-form').onsubmit = (e) => {
    e.preventDefault();
    const name = $('name').value.trim();
    if (!name) return;
    state.name = name;
    state.stopped = false;
    setStatus('reconnecting', 'Connecting…');
    connect();
  };
  $('share-location').onclick = shareLocation;
  $('use-place').onclick = usePlace;
  $('place-select').onchange = () => { $('custom').hidden = $('place-select').value !== 'custom'; };
  $('refresh').onclick = refreshNearby;
  $('composer').onsubmit = (e) => { e.preventDefault(); send($('chat-input').value); $('chat-input').value = ''; };
  $('chat-input').oninput = () => {
    const now = Date.now();
    if (now - state.lastTyping > 2000 && state.active) {
      state.lastTyping = now;
      request({ type: 'chat.typing', session: state.active }).catch(() => {});
    }
  };
  $('leave').onclick = () => {
    const s = state.sessions.get(state.active);
    if (!s) return;
    const cancel = s.view.state === 'INVITED' && s.view.inviter === state.user;
    act(cancel ? 'chat.cancel' : 'chat.leave', s.view.id);
  };
  $('block').onclick = () => {
    const s = state.sessions.get(state.active);
    if (s && confirm('Block ' + peers(s).join(', ') + '? You will not see each other any more.')) {
      act('chat.block', s.view.id, { user: peers(s)[0] }).then(refreshNearby);
    }
  };
  $('stars').onclick = (e) => {
    const b = e.target.closest('.star');
    if (b) { state.ratingStars = Number(b.dataset.stars); render(); }
  };
  $('rating-form').onsubmit = (e) => { e.preventDefault(); submitRating(); };
  // For trying reconnect + resume by hand: 4000 is not a normal close, so the server keeps the session.
  $('drop').onclick = () => state.ws && state.ws.close(4000, 'simulated drop');
  setInterval(refreshNearby, 5000);
  setInterval(renderTyping, 1000);
  window.vicinity = state; // for the browser test and the curious
}

init();
