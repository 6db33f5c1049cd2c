// live.js: the websocket client of the live protocol (GET /ws). It signs in
// with the user's token, subscribes to channels, resumes each one with
// `since` (and its epoch) after a reconnect, and asks the page to refetch
// over HTTP whenever it cannot be sure it has every message: on the first
// subscription, after recovered:false, and on a gap in seq.
import { auth } from './core.js';

const PING_MS = 25000;
const PONG_WAIT_MS = 10000;

/**
 * Live is one websocket connection with any number of channels. It
 * dispatches a 'status' event ('connecting' | 'live' | 'reconnecting' in
 * detail) when the connection changes.
 *   const live = sharedLive();
 *   live.addEventListener('status', (e) => show(e.detail));
 *   live.subscribe('event:42', { onMessage: (m) => ..., onReset: () => refetch() });
 */
export class Live extends EventTarget {
  constructor() {
    super();
    this.channels = new Map(); // name -> { seq, epoch, handlers, pending }
    this.attempt = 0;
    this.closed = false;
    this.ws = null;
    this.status = '';
    this.reqID = 0;
    this._online = () => { if (!this.ws) this._connect(); };
    window.addEventListener('online', this._online);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && !this.ws && !this.closed) this._connect();
    });
    this._connect();
  }

  /**
   * subscribe joins a channel (several handlers may share one); it returns
   * a function that leaves it. onReset means "refetch the state over HTTP".
   */
  subscribe(channel, { onMessage, onReset, onError } = {}) {
    const hd = { onMessage: onMessage || (() => {}), onReset: onReset || (() => {}), onError: onError || (() => {}) };
    let ch = this.channels.get(channel);
    if (ch) {
      ch.handlers.add(hd);
      if (ch.seq !== null) hd.onReset();
    } else {
      ch = { seq: null, epoch: '', handlers: new Set([hd]) };
      this.channels.set(channel, ch);
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this._sendSubscribe(channel, ch);
    }
    return () => {
      ch.handlers.delete(hd);
      if (ch.handlers.size === 0 && this.channels.get(channel) === ch) {
        this.channels.delete(channel);
        this._send({ op: 'unsubscribe', channel });
      }
    };
  }

  /** close ends the connection for good. */
  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    window.removeEventListener('online', this._online);
    if (this.ws) this.ws.close(1000);
  }

  _setStatus(s) {
    if (s !== this.status) {
      this.status = s;
      this.dispatchEvent(new CustomEvent('status', { detail: s }));
    }
  }

  _send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  _sendSubscribe(channel, ch) {
    const f = { op: 'subscribe', channel, id: ++this.reqID };
    if (ch.seq !== null) { f.since = ch.seq; if (ch.epoch) f.epoch = ch.epoch; }
    this._send(f);
  }

  _connect() {
    if (this.closed) return;
    this._setStatus(this.attempt ? 'reconnecting' : 'connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${location.host}/ws`);
    } catch {
      this._retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (auth.token) this._send({ op: 'auth', token: auth.token });
      for (const [name, ch] of this.channels) this._sendSubscribe(name, ch);
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this._ping(), PING_MS);
    };
    ws.onmessage = (e) => this._frame(e.data);
    ws.onclose = (e) => {
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      this.ws = null;
      if (this.closed) return;
      this._retry(e.code);
    };
    ws.onerror = () => { /* onclose follows and reconnects */ };
  }

  _retry() {
    this._setStatus('reconnecting');
    const delay = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5)) * (0.75 + Math.random() / 2);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this._connect(), delay);
  }

  _ping() {
    this._send({ op: 'ping' });
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => { if (this.ws) this.ws.close(4000); }, PONG_WAIT_MS);
  }

  _frame(text) {
    let f;
    try { f = JSON.parse(text); } catch { return; }
    const ch = f.channel ? this.channels.get(f.channel) : null;
    switch (f.op) {
      case 'subscribed':
        if (!ch) return;
        this.attempt = 0;
        this._setStatus('live');
        if (f.epoch) ch.epoch = f.epoch;
        if (ch.seq === null || f.recovered === false) {
          // Nothing to resume from, or the server no longer holds every
          // message since ours: take the state from HTTP, then follow.
          ch.seq = typeof f.seq === 'number' ? f.seq : 0;
          for (const hd of ch.handlers) hd.onReset();
        }
        break;
      case 'message':
        if (!ch || typeof f.seq !== 'number') return;
        if (ch.seq !== null && f.seq <= ch.seq) return; // a duplicate
        if (ch.seq !== null && f.seq > ch.seq + 1) {
          ch.seq = f.seq;
          for (const hd of ch.handlers) hd.onReset();
          return;
        }
        ch.seq = f.seq;
        for (const hd of ch.handlers) hd.onMessage(f);
        break;
      case 'pong':
        clearTimeout(this.pongTimer);
        break;
      case 'error':
        if (ch) for (const hd of ch.handlers) hd.onError(f);
        if (f.code === 'unauthorized' && !f.channel) auth.clear();
        break;
    }
  }
}

let shared = null;
/** sharedLive returns the page's one connection, opening it on first use. */
export function sharedLive() {
  if (!shared) shared = new Live();
  return shared;
}
