// core.js: page data, messages, the API client, the signed-in account and
// small DOM helpers shared by every page module.

const boot = JSON.parse(document.getElementById('ml-boot').textContent);

export const lang = boot.lang;
export const page = boot.page;
export const params = boot.params || {};
export const vocab = boot.vocab;
export const schemas = boot.schemas || {};
export const pageKind = boot.kind || '';

/** has reports whether the server offers an API feature (see features.go). */
export const has = (name) => !!(boot.features && boot.features[name]);

/** t returns the message for key, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = boot.t[key];
  if (s === undefined) return key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  return s;
}

/** tOr returns the message for key, or fallback when the catalog has none. */
export const tOr = (key, fallback) => (key in boot.t ? boot.t[key] : fallback);

// ---- account -------------------------------------------------------------

const TOKEN = 'ml.token';
const USER = 'ml.user';
const PROFILES = 'ml.profiles';

function readJSON(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

/** auth is the signed-in account, kept in localStorage across pages. */
export const auth = {
  get token() { return localStorage.getItem(TOKEN) || ''; },
  get user() { return readJSON(USER); },
  get profiles() { return readJSON(PROFILES) || []; },
  signedIn() { return !!localStorage.getItem(TOKEN); },
  hasRole(r) { const u = readJSON(USER); return !!(u && u.roles && u.roles.includes(r)); },
  set(token, user) {
    localStorage.setItem(TOKEN, token);
    localStorage.setItem(USER, JSON.stringify(user));
    document.dispatchEvent(new CustomEvent('ml:auth'));
  },
  setMe(me) {
    if (me.user) localStorage.setItem(USER, JSON.stringify(me.user));
    localStorage.setItem(PROFILES, JSON.stringify(me.profiles || []));
    document.dispatchEvent(new CustomEvent('ml:auth'));
  },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(USER);
    localStorage.removeItem(PROFILES);
    document.dispatchEvent(new CustomEvent('ml:auth'));
  },
};

// ---- API -------------------------------------------------------------------

/** ApiError is a failed API call: status 0 means the network failed. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.code = (problem && problem.code) || (status ? 'http_' + status : 'network');
    this.detail = (problem && problem.detail) || '';
    this.fields = (problem && problem.errors) || [];
  }
}

// pending counts API calls in flight; <html data-pending> shows it, so that
// tests (and styles) can tell when a page has settled.
let pending = 0;
function track(d) {
  pending += d;
  document.documentElement.dataset.pending = String(pending);
}

/**
 * api calls the JSON API under /api/v1 with the user's token and returns the
 * decoded reply (null for 204). It throws ApiError for any other status.
 * opts: body (sent as JSON), headers, signal, raw (return {data, etag}).
 */
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const token = auth.token;
  if (token) headers.Authorization = 'Bearer ' + token;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  let text = '';
  track(1);
  try {
    res = await fetch('/api/v1' + path, { method, headers, body, signal: opts.signal, credentials: 'same-origin' });
    text = res.status === 204 ? '' : await res.text();
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  } finally {
    track(-1);
  }
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && token) auth.clear();
    throw new ApiError(res.status, data);
  }
  return opts.raw ? { data, etag: res.headers.get('ETag') } : data;
}

/** PAGE is the page size apiAll asks for: the API's largest. */
const PAGE = 100;

/**
 * apiAll reads a whole list (GET path replying {"items","next_cursor"}),
 * asking for pages of 100 and following next_cursor until the last page,
 * and returns every item once (by id, the first seen). Lists page by 20
 * without a limit, so pages that show a whole list read it through this.
 * opts are api's (signal, headers).
 */
export async function apiAll(path, opts = {}) {
  const base = path + (path.includes('?') ? '&' : '?') + 'limit=' + PAGE;
  const out = [];
  const seen = new Set();
  const cursors = new Set();
  let cursor = '';
  for (;;) {
    const res = await api('GET', base + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), opts);
    for (const it of (res && res.items) || []) {
      const key = it && it.id;
      if (key !== undefined && key !== null && key !== '') {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(it);
    }
    cursor = res && res.next_cursor;
    if (!cursor || cursors.has(cursor)) return out; // a repeated cursor would loop forever
    cursors.add(cursor);
  }
}

/** errorText is a user-facing sentence for a failed call. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('error.generic');
  const key = 'error.' + err.code;
  if (key in boot.t) return t(key);
  if (err.status >= 500) return t('error.internal');
  return err.detail || t('error.generic');
}

/** fieldErrorText is the message for one entry of a 422 errors list; f is
 * the field's schema entry when known. English shows the API's own message. */
export function fieldErrorText(fe, f = {}) {
  if (lang === 'en' && fe.message) return fe.message.charAt(0).toUpperCase() + fe.message.slice(1) + '.';
  const key = 'err.' + fe.code;
  return key in boot.t ? t(key, { max: f.max || '' }) : fe.message || t('err.invalid');
}

/** myProfiles refreshes the signed-in user's profiles from GET /me and
 * returns those of a kind (all kinds when kind is empty). */
export async function myProfiles(kind) {
  if (has('me')) {
    try { auth.setMe(await api('GET', '/me')); } catch { /* keep the cached list */ }
  }
  return auth.profiles.filter((r) => !kind || r.kind === kind);
}

/** reasonText picks a match reason's text in the page language. */
export const reasonText = (r) => (lang === 'en' ? r.en || r.zh : r.zh || r.en) || r.code;

/** requireSignIn sends anonymous users to the sign-in page and back. */
export function requireSignIn() {
  if (auth.signedIn()) return true;
  location.assign('/signin?next=' + encodeURIComponent(location.pathname + location.search));
  return false;
}

// ---- DOM -------------------------------------------------------------------

/**
 * h builds an element: h('a', {href: '/x', class: 'c'}, 'text', child).
 * Attributes starting with "on" add listeners; false/null attributes are
 * skipped; children may be strings, nodes, arrays, null.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'style') el.style.cssText = v; // CSSOM: allowed by the page's CSP, unlike a style attribute
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** setStatus writes a message into a live region; kind: info|error|ok. */
export function setStatus(el, msg, kind = 'info') {
  if (typeof el === 'string') el = document.getElementById(el);
  if (!el) return;
  el.textContent = msg || '';
  el.className = 'status' + (msg ? ' ' + kind : '');
}

/** unavailable replaces a container's content with a "not available yet" note. */
export function unavailable(el, what) {
  el.replaceChildren(h('p', { class: 'notice' }, t('feature.missing', { what: what || '' })));
}

let toastTimer;
/** toast shows a short message in the page's status area. */
export function toast(msg) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = msg;
  el.classList.add('on');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('on'), 4000);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// ---- formatting ------------------------------------------------------------

const numFmt = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'zh-CN');

export const fmtNumber = (n) => numFmt.format(n);

/** fmtMoney formats whole yuan: "50万元" in Chinese, "¥500,000" in English. */
export function fmtMoney(n) {
  if (n === null || n === undefined || n === '') return '';
  n = Number(n);
  if (lang !== 'en') {
    if (n >= 1e8 && n % 1e6 === 0) return t('money.yi', { n: fmtNumber(n / 1e8) });
    if (n >= 1e4 && n % 100 === 0) return t('money.wan', { n: fmtNumber(n / 1e4) });
    return t('money.yuan', { n: fmtNumber(n) });
  }
  return '¥' + fmtNumber(n);
}

const dateFmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' });
const dateTimeFmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' });

export const fmtDate = (s) => (s ? dateFmt.format(new Date(s)) : '');
export const fmtDateTime = (s) => (s ? dateTimeFmt.format(new Date(s)) : '');

/** label returns the catalog label of a code under a prefix, or the code. */
export const label = (prefix, code) => tOr(prefix + code, code);
export const cityLabel = (c) => tOr('city.' + c, c);
export const kindLabel = (k) => t('kind.' + k);

/** plural is the URL segment of a profile kind. */
export const plural = (k) => (k === 'equipment' ? 'equipment' : k + 's');

/** profileURL is the page of a profile. */
export const profileURL = (kind, id) => '/' + plural(kind) + '/' + encodeURIComponent(id);

/** percent formats a score in [0,1]. */
export const percent = (x) => Math.round(Number(x) * 100) + '%';
