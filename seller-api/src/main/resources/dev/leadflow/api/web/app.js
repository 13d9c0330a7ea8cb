// The seller page: plain JavaScript, no build step. Everything from the server is shown with textContent,
// never as HTML. The token lives in sessionStorage, so it is gone when the tab closes.
'use strict';

const TOKEN_KEY = 'leadflow.token';
const CLAIM_KEY = 'leadflow.claim';
const QUEUE_KEY = 'leadflow.queue';
// changes that leave a lead ready carry it; these take it off the ready list
const REMOVING = ['claim', 'accept', 'reject', 'withdraw'];
const UPSERTING = ['enqueue', 'update', 'release', 'expire', 'target', 'escalate'];

const state = {
  token: null,
  user: null,
  queues: [],
  queue: null,
  leads: new Map(),
  events: null,
  claim: null,
  offer: null,
  assignTimer: null,
  reasons: [],
};

const $ = (id) => document.getElementById(id);

// ---- talking to the API -----------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && state.user) signOut('Your session ended: sign in again.');
    throw new ApiError(response.status, data.error || 'error', data.message || ('HTTP ' + response.status));
  }
  return data;
}

// ---- messages ---------------------------------------------------------------------------------

function say(text) {
  $('error').textContent = '';
  $('status').textContent = text;
}

function complain(error) {
  $('status').textContent = '';
  $('error').textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

// ---- signing in and out -----------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  try {
    state.user = await api('GET', '/api/v1/me');
  } catch (error) {
    state.token = null;
    complain(error.status === 401 ? 'That token was not accepted.' : error);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('who').hidden = false;
  $('user-name').textContent = state.user.name + ' (' + state.user.role + ')';
  say('Signed in as ' + state.user.name + '.');
  try {
    state.reasons = await api('GET', '/api/v1/reject-reasons');
    fillReasons();
    await loadQueues();
    await restoreClaim();
  } catch (error) {
    complain(error);
  }
}

function signOut(message) {
  closeEvents();
  clearInterval(state.assignTimer);
  state.assignTimer = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(CLAIM_KEY);
  state.token = null;
  state.user = null;
  state.claim = null;
  state.leads.clear();
  $('workspace').hidden = true;
  $('who').hidden = true;
  $('claimed').hidden = true;
  $('sign-in').hidden = false;
  say(message || 'Signed out.');
  $('token').focus();
}

// ---- queues and the live list -----------------------------------------------------------------

async function loadQueues() {
  state.queues = await api('GET', '/api/v1/queues');
  const select = $('queue-select');
  select.replaceChildren(...state.queues.map((q) => {
    const option = document.createElement('option');
    option.value = q.name;
    option.textContent = q.name + ' (' + q.depth + ' waiting)';
    return option;
  }));
  if (state.queues.length === 0) {
    complain('You have no queues yet. Ask sales ops to add you to one.');
    return;
  }
  // the queue chosen earlier in this tab, else the first with leads waiting
  const saved = sessionStorage.getItem(QUEUE_KEY);
  const busy = state.queues.find((q) => q.depth > 0) || state.queues[0];
  const chosen = state.queues.some((q) => q.name === saved) ? saved : busy.name;
  select.value = chosen;
  openQueue(chosen);
}

function openQueue(name) {
  closeEvents();
  state.queue = name;
  state.leads.clear();
  sessionStorage.setItem(QUEUE_KEY, name);
  $('queue-title').textContent = 'Queue ' + name;
  const info = state.queues.find((q) => q.name === name);
  const assigning = Boolean(info && info.mode === 'assign');
  $('claim').hidden = !(info && info.canClaim) || assigning;
  $('assign').hidden = !(info && info.canClaim && assigning);
  setAvailable(false);
  render();
  setLive(false, 'Connecting…');
  connectEvents(name, null);
}

// EventSource cannot send headers: each stream opens with a short-lived single-use ticket, fetched with the
// token, so the token never travels in a URL. When the server ends a stream (its lifetime is bounded, and a
// revoked token ends it at once) the page asks for a new ticket and resumes after the last event it saw.
async function connectEvents(name, lastEventId) {
  let ticket;
  try {
    ticket = (await api('POST', '/api/v1/stream-tickets')).ticket;
  } catch (error) {
    if (name === state.queue) setLive(false, error.status === 401 ? 'Signed out' : 'Offline');
    if (error.status !== 401 && name === state.queue) setTimeout(() => { if (name === state.queue && !state.events) connectEvents(name, lastEventId); }, 5000);
    return;
  }
  if (name !== state.queue) return;
  let url = '/api/v1/queues/' + encodeURIComponent(name) + '/events?ticket=' + encodeURIComponent(ticket);
  if (lastEventId) url += '&lastEventId=' + encodeURIComponent(lastEventId);
  const events = new EventSource(url);
  state.events = events;
  let last = lastEventId;
  const seen = (e) => { if (e.lastEventId) last = e.lastEventId; };
  // "ready" starts (and after a reconnect, resumes) the stream: from then on every change arrives here
  events.addEventListener('ready', (e) => { seen(e); setLive(true, 'Live'); reloadLeads(); });
  events.addEventListener('reset', (e) => { seen(e); reloadLeads(); });
  // a lead was erased (GDPR): the event names no lead, so the whole list is fetched again
  events.addEventListener('erase', (e) => { seen(e); reloadLeads(); });
  UPSERTING.concat(REMOVING).forEach((type) => events.addEventListener(type, (e) => { seen(e); applyChange(JSON.parse(e.data)); }));
  events.onerror = () => {
    // the ticket was used: the browser's own reconnect cannot succeed, so this page opens a new stream
    events.close();
    if (state.events !== events) return;
    state.events = null;
    setLive(false, 'Reconnecting…');
    setTimeout(() => { if (name === state.queue && !state.events) connectEvents(name, last); }, 1000);
  };
}

function closeEvents() {
  if (state.events) state.events.close();
  state.events = null;
}

function setLive(on, text) {
  const live = $('live');
  live.textContent = text;
  live.classList.toggle('on', on);
}

async function reloadLeads() {
  const queue = state.queue;
  try {
    const leads = await api('GET', '/api/v1/queues/' + encodeURIComponent(queue) + '/leads?limit=100');
    if (queue !== state.queue) return;
    state.leads = new Map(leads.map((lead) => [lead.leadId, lead]));
    render();
  } catch (error) {
    complain(error);
  }
}

function applyChange(change) {
  if (change.queue !== state.queue) return;
  if (REMOVING.includes(change.type)) {
    state.leads.delete(change.leadId);
  } else if (change.lead) {
    state.leads.set(change.leadId, change.lead);
  }
  render();
}

function ordered() {
  return [...state.leads.values()].sort((a, b) =>
    (b.priority - a.priority) || (Date.parse(a.enqueuedAt) - Date.parse(b.enqueuedAt)));
}

function render() {
  const leads = ordered();
  // a buying committee: people of one account waiting in this queue, shown as such on each of their cards
  const here = new Map();
  leads.forEach((lead) => {
    const domain = lead.account && lead.account.domain;
    if (domain) here.set(domain, (here.get(domain) || 0) + 1);
  });
  $('leads').replaceChildren(...leads.map((lead) => leadItem(lead, here)));
  $('empty').hidden = leads.length > 0;
  $('queue-summary').textContent = leads.length === 1 ? '1 lead waiting' : leads.length + ' leads waiting';
}

function leadItem(lead, here) {
  const item = document.createElement('li');
  item.className = 'lead';
  item.dataset.leadId = lead.leadId;
  const domain = lead.account && lead.account.domain;
  const engaged = (lead.account && lead.account.engagedLeads) || 0;
  const waiting = domain && here ? here.get(domain) || 0 : 0;
  const title = document.createElement('h3');
  title.textContent = (lead.company || 'Unknown company') + (lead.title ? ' · ' + lead.title : '');
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.append(
    fact('Priority', number(lead.priority)),
    fact('Readiness', number(lead.readiness)),
    fact('Grade', lead.grade || '–'),
    fact('Waiting', waited(lead.enqueuedAt)),
    fact('Model', lead.modelVersion || '–'));
  if (lead.targetAt) {
    const target = fact('Target', '');
    target.className = 'target';
    target.dataset.targetAt = lead.targetAt;
    target.dataset.kind = lead.targetKind || '';
    meta.append(target);
    showTimeLeft(item, target);
  }
  item.append(title, meta);
  if (domain && (engaged > 1 || waiting > 1)) {
    item.classList.add('committee');
    item.dataset.account = domain;
    const committee = document.createElement('p');
    committee.className = 'committee-note';
    committee.textContent = 'Buying committee: ' + engaged + ' engaged ' + (engaged === 1 ? 'person' : 'people')
      + ' at ' + domain + ', ' + waiting + ' waiting here';
    item.append(committee);
  }
  item.append(reasonList(lead.reasons, 3));
  const summary = storySummary(lead.story);
  if (summary) item.append(summary);
  return item;
}

// The list's short version of the lead's story: how much happened lately and the newest thing.
function storySummary(story) {
  if (!story || story.length === 0) return null;
  const p = document.createElement('p');
  p.className = 'story-summary';
  const newest = story[0];
  p.textContent = 'Latest: ' + newest.what + ' (' + ago(newest.at) + ')'
    + (story.length > 1 ? ' · ' + story.length + ' events in the last 30 days' : '');
  return p;
}

// The lead's story as a timeline, newest first: when, which side of the house, what.
function storyList(story) {
  return (story || []).map((entry) => {
    const item = document.createElement('li');
    item.className = 'story-' + entry.source;
    const when = document.createElement('time');
    when.dateTime = entry.at;
    when.textContent = new Date(entry.at).toLocaleString() + ' · ' + ago(entry.at);
    const source = document.createElement('span');
    source.className = 'source';
    source.textContent = entry.source;
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = entry.what;
    item.append(when, ' ', source, ' ', what);
    return item;
  });
}

function ago(iso) {
  const minutes = Math.floor((Date.now() - Date.parse(iso)) / 60000);
  if (!(minutes >= 1)) return 'just now';
  if (minutes < 60) return minutes + ' min ago';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ago';
  return Math.floor(hours / 24) + ' days ago';
}

// The time left to each lead's response target, counted down every second; past it the lead is marked
// breached (the server escalates it by the queue's rule).
function showTimeLeft(item, target) {
  const left = Date.parse(target.dataset.targetAt) - Date.now();
  const breached = left <= 0;
  const kind = target.dataset.kind ? ' (' + target.dataset.kind + ')' : '';
  target.querySelector('strong').textContent =
    (breached ? 'breached ' + duration(-left) + ' ago' : duration(left) + ' left') + kind;
  item.classList.toggle('breached', breached);
}

function duration(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return seconds + ' s';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes + ' min ' + (seconds % 60) + ' s';
  return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

setInterval(() => {
  document.querySelectorAll('#leads li.lead').forEach((item) => {
    const target = item.querySelector('.target');
    if (target) showTimeLeft(item, target);
  });
}, 1000);

function fact(label, value) {
  const span = document.createElement('span');
  const strong = document.createElement('strong');
  strong.textContent = value;
  span.append(label + ' ', strong);
  return span;
}

function reasonList(reasons, limit) {
  const list = document.createElement('ul');
  list.className = 'reasons';
  (reasons || []).slice(0, limit).forEach((reason) => {
    const item = document.createElement('li');
    item.textContent = reason.detail || reason.signal;
    list.append(item);
  });
  return list;
}

function number(value) {
  return typeof value === 'number' ? String(Math.round(value * 10) / 10) : '–';
}

function waited(iso) {
  const minutes = Math.floor((Date.now() - Date.parse(iso)) / 60000);
  if (!(minutes >= 1)) return 'just now';
  if (minutes < 60) return minutes + ' min';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ' + (minutes % 60) + ' min';
  return Math.floor(hours / 24) + ' days';
}

// ---- assignment mode: the queue offers leads to available sellers --------------------------------

async function setAvailable(on) {
  clearInterval(state.assignTimer);
  state.assignTimer = null;
  $('available').checked = on;
  showOffer(null);
  if (!state.queue || $('assign').hidden) return;
  const path = '/api/v1/queues/' + encodeURIComponent(state.queue);
  try {
    await api('POST', path + '/availability', { available: on });
  } catch (error) {
    complain(error);
    $('available').checked = false;
    return;
  }
  if (!on) return;
  let renewed = Date.now();
  // look for an offer every second; renew "available" well before it runs out
  state.assignTimer = setInterval(async () => {
    try {
      if (Date.now() - renewed > 30000) {
        renewed = Date.now();
        await api('POST', path + '/availability', { available: true });
      }
      if (!state.claim) showOffer(await api('GET', path + '/offer'));
    } catch (error) {
      complain(error);
    }
  }, 1000);
}

function showOffer(offer) {
  state.offer = offer;
  $('offer').hidden = !offer;
  if (!offer) return;
  $('offer-company').textContent = (offer.lead.company || 'Unknown company') + (offer.lead.title ? ' · ' + offer.lead.title : '');
  const left = Math.max(0, Math.floor((Date.parse(offer.offerExpiresAt) - Date.now()) / 1000));
  $('offer-left').textContent = '(' + left + ' s to take it)';
}

async function takeOffer() {
  const offer = state.offer;
  if (!offer) return;
  try {
    const claim = await api('POST', '/api/v1/leads/' + encodeURIComponent(offer.lead.leadId) + '/take',
      { leaseToken: offer.leaseToken });
    showOffer(null);
    showClaim(claim);
    say('You took a lead from ' + (claim.lead.company || 'an unknown company') + '.');
  } catch (error) {
    showOffer(null);
    complain(error);
  }
}

async function passOffer() {
  const offer = state.offer;
  if (!offer) return;
  showOffer(null);
  try {
    await api('POST', '/api/v1/leads/' + encodeURIComponent(offer.lead.leadId) + '/release', { leaseToken: offer.leaseToken });
    say('Passed: the lead is offered to someone else.');
  } catch (error) {
    complain(error);
  }
}

// ---- claiming and settling --------------------------------------------------------------------

async function claimNext() {
  const button = $('claim');
  button.disabled = true;
  try {
    const claim = await api('POST', '/api/v1/queues/' + encodeURIComponent(state.queue) + '/claim');
    if (claim === null) {
      say('No lead is waiting in ' + state.queue + ' right now.');
      return;
    }
    state.leads.delete(claim.lead.leadId);
    render();
    showClaim(claim);
    say('You claimed a lead from ' + claim.lead.company + '.');
  } catch (error) {
    complain(error);
  } finally {
    button.disabled = false;
  }
}

function showClaim(claim) {
  state.claim = claim;
  sessionStorage.setItem(CLAIM_KEY, JSON.stringify(claim));
  const lead = claim.lead;
  $('claimed-name').textContent = lead.name || '–';
  const email = $('claimed-email');
  email.textContent = lead.email || '–';
  email.href = lead.email ? 'mailto:' + lead.email : '#';
  $('claimed-title-text').textContent = lead.title || '–';
  $('claimed-company').textContent = lead.company || '–';
  $('claimed-grade').textContent = lead.grade || '–';
  $('claimed-readiness').textContent = number(lead.readiness);
  $('claimed-model').textContent = lead.modelVersion || '–';
  $('claimed-waited').textContent = waited(lead.enqueuedAt);
  $('claimed-until').textContent = new Date(claim.leaseExpiresAt).toLocaleTimeString();
  $('claimed-reasons').replaceChildren(...reasonList(lead.reasons, 10).children);
  const account = lead.account || {};
  const engaged = account.engagedLeads || 0;
  $('claimed-committee').textContent = account.domain
    ? engaged + ' engaged ' + (engaged === 1 ? 'person' : 'people') + ' at ' + account.domain
      + (engaged > 1 ? ', among them:' : '')
    : 'No account known.';
  $('claimed-people').replaceChildren(...(account.people || []).map((person) => {
    const item = document.createElement('li');
    item.textContent = (person.name || 'Someone') + (person.title ? ', ' + person.title : '');
    return item;
  }));
  $('claimed-story').replaceChildren(...storyList(lead.story));
  $('reject-form').reset();
  updateNoteHint();
  $('claimed').hidden = false;
  $('claimed-title').focus();
}

function clearClaim() {
  state.claim = null;
  sessionStorage.removeItem(CLAIM_KEY);
  $('claimed').hidden = true;
  $('claim').focus();
}

/** After a reload the claim is still ours if the server says so. */
async function restoreClaim() {
  const saved = sessionStorage.getItem(CLAIM_KEY);
  if (!saved) return;
  const claim = JSON.parse(saved);
  try {
    const lead = await api('GET', '/api/v1/queues/' + encodeURIComponent(claim.lead.queue) + '/leads/'
      + encodeURIComponent(claim.lead.leadId));
    if (lead.status === 'yours') showClaim({ ...claim, lead });
    else sessionStorage.removeItem(CLAIM_KEY);
  } catch (error) {
    sessionStorage.removeItem(CLAIM_KEY);
  }
}

async function settle(action, extra) {
  const claim = state.claim;
  if (!claim) return;
  const buttons = ['accept', 'release', 'reject'].map($);
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await api('POST', '/api/v1/leads/' + encodeURIComponent(claim.lead.leadId) + '/' + action,
      { leaseToken: claim.leaseToken, ...extra });
    const company = claim.lead.company || claim.lead.leadId;
    say({ accept: 'Accepted ', reject: 'Rejected ', release: 'Gave back ' }[action] + company + '.');
    clearClaim();
  } catch (error) {
    complain(error);
    // the lease is gone (409) or the lead left the queue (404): nothing more to do with this claim
    if (error.status === 409 || error.status === 404) clearClaim();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function fillReasons() {
  const select = $('reject-reason');
  const placeholder = document.createElement('option');
  placeholder.value = '';
  placeholder.textContent = 'Choose a reason';
  select.replaceChildren(placeholder, ...state.reasons.map((reason) => {
    const option = document.createElement('option');
    option.value = reason.code;
    option.textContent = reason.label;
    return option;
  }));
}

function updateNoteHint() {
  const reason = state.reasons.find((r) => r.code === $('reject-reason').value);
  const required = Boolean(reason && reason.requiresNote);
  $('reject-note').required = required;
  $('note-hint').textContent = required ? '(required)' : '(optional)';
}

// ---- wiring -----------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('queue-select').addEventListener('change', (e) => openQueue(e.target.value));
  $('claim').addEventListener('click', claimNext);
  $('available').addEventListener('change', (e) => setAvailable(e.target.checked));
  $('take').addEventListener('click', takeOffer);
  $('pass').addEventListener('click', passOffer);
  $('accept').addEventListener('click', () => settle('accept', {}));
  $('release').addEventListener('click', () => settle('release', {}));
  $('reject-reason').addEventListener('change', updateNoteHint);
  $('reject-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const note = $('reject-note').value.trim();
    settle('reject', note ? { reason: $('reject-reason').value, note } : { reason: $('reject-reason').value });
  });
  // keep "waiting" times current without asking the server
  setInterval(() => { if (state.queue) render(); }, 30000);

  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
  else $('token').focus();
});
