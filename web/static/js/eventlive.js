// eventlive.js: what every live event page shares: the event's state from
// GET /api/v1/events/{id} kept current through the websocket rooms, the
// server-synced clock of the pitch timer, and the leaderboard.
import { api, apiAll, h, has, t, label } from './core.js';
import { sharedLive } from './live.js';

let offset = 0; // server clock minus this browser's clock, in ms

/** serverNow is the server's current time in ms. */
export const serverNow = () => Date.now() + offset;

function syncClock(serverISO, sentAt, gotAt) {
  const server = Date.parse(serverISO);
  if (Number.isNaN(server)) return;
  offset = server - (sentAt + gotAt) / 2;
}

/** currentPitch is the pitch on stage, else the next one, else the last. */
export function currentPitch(view) {
  const ps = view.pitches || [];
  return ps.find((p) => p.id === view.current_pitch_id) || ps.find((p) => p.state === 'pitching' || p.state === 'qa')
    || ps.find((p) => p.state === 'scheduled') || ps[ps.length - 1] || null;
}

/** remaining is the seconds left in the pitch's timed phase (negative in overtime), or null. */
export function remaining(p) {
  if (!p || !p.phase_ends_at) return null;
  return (Date.parse(p.phase_ends_at) - serverNow()) / 1000;
}

/** clockText formats seconds as m:ss, with a + in overtime. */
export function clockText(sec) {
  if (sec === null || sec === undefined) return '--:--';
  const over = sec < 0;
  const s = Math.abs(over ? Math.floor(sec) : Math.ceil(sec));
  return (over ? '+' : '') + Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

export const phaseText = (p) => (p ? label('pitch.state.', p.state) : '');

/**
 * follow keeps a page current with an event. handlers: onState(view),
 * onBoard(leaderboard), onQuestion(q), onQuestions(list), onProgress(p),
 * onStatus('connecting'|'live'|'reconnecting'). With judges, it also
 * follows event:<id>:judges (full leaderboard and judges' progress).
 * Without a websocket endpoint it polls every five seconds.
 */
export function follow(id, handlers, { judges = false, questions = false } = {}) {
  const enc = encodeURIComponent(id);
  const h2 = { onState() {}, onBoard() {}, onQuestion() {}, onQuestions() {}, onProgress() {}, onStatus() {}, onError() {}, ...handlers };
  const fetchState = async () => {
    const t0 = Date.now();
    const v = await api('GET', `/events/${enc}`);
    syncClock(v.now, t0, Date.now());
    h2.onState(v);
    return v;
  };
  const fetchBoard = async () => h2.onBoard(await api('GET', `/events/${enc}/leaderboard`));
  const fetchQuestions = async () => h2.onQuestions(await apiAll(`/events/${enc}/questions`));
  const fetchProgress = async () => h2.onProgress(await api('GET', `/events/${enc}/progress`));
  const safely = (fn) => fn().catch((err) => h2.onError(err));
  const all = () => Promise.all([safely(fetchState), safely(fetchBoard), questions ? safely(fetchQuestions) : null]);

  if (!has('ws')) {
    all();
    const timer = setInterval(all, 5000);
    return { refresh: all, stop: () => clearInterval(timer) };
  }
  const live = sharedLive();
  live.addEventListener('status', (e) => h2.onStatus(e.detail));
  h2.onStatus(live.status || 'connecting');
  const offs = [live.subscribe('event:' + id, {
    onReset: all,
    onMessage: (m) => {
      switch (m.type) {
        case 'state':
          if (m.data && m.data.now) syncClock(m.data.now, Date.now(), Date.now());
          h2.onState(m.data);
          break;
        case 'leaderboard':
          if (!judges) h2.onBoard(m.data);
          break;
        case 'question':
          h2.onQuestion(m.data);
          break;
      }
    },
  })];
  if (judges) {
    offs.push(live.subscribe('event:' + id + ':judges', {
      onReset: () => Promise.all([safely(fetchBoard), safely(fetchProgress)]),
      onMessage: (m) => {
        if (m.type === 'leaderboard') h2.onBoard(m.data);
        else if (m.type === 'progress') h2.onProgress(m.data);
      },
      onError: (f) => h2.onError(f),
    }));
  }
  return { refresh: all, stop: () => offs.forEach((f) => f()) };
}

/** boardTable renders a leaderboard (the judges' score by the event's ranking, and votes). */
export function boardTable(lb, { limit = 0, flags = false } = {}) {
  if (!lb) return h('p', { class: 'muted' }, t('common.loading'));
  if (lb.hidden) return h('p', { class: 'muted' }, t('board.hidden'));
  const items = limit ? (lb.items || []).slice(0, limit) : lb.items || [];
  if (!items.length) return h('p', { class: 'muted' }, t('board.empty'));
  const norm = lb.ranking === 'normalized';
  const raw = (it) => (norm ? it.judge_score_normalized : it.judge_score);
  const unscored = (it) => raw(it) === null || raw(it) === undefined;
  const score = (it) => (unscored(it) ? '—' : Number(raw(it)).toFixed(norm ? 2 : 1));
  // A pitch no judge has scored has no place yet: the API still ranks it
  // (its rank field is the contract), the table shows a dash.
  const rank = (it) => (unscored(it) ? '—' : String(it.rank || ''));
  return h('table', { class: 'leaderboard' },
    h('caption', { class: 'vh' }, boardTitle(lb)),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'num' }, t('board.rank')),
      h('th', { scope: 'col' }, t('board.startup')),
      h('th', { scope: 'col', class: 'num' }, t(norm ? 'board.score_normalized' : 'board.score')),
      h('th', { scope: 'col', class: 'num' }, t('board.votes')),
      flags ? h('th', { scope: 'col' }, t('board.judges')) : null)),
    h('tbody', null, items.map((it) => h('tr', { 'data-pitch': it.pitch_id },
      h('td', { class: 'num rank' }, rank(it)),
      h('th', { scope: 'row' }, it.startup_name || it.startup_id),
      h('td', { class: 'num' }, score(it)),
      h('td', { class: 'num votes' }, String(it.votes || 0)),
      flags ? h('td', null, t('board.judges_n', { n: it.judges || 0 }),
        it.disagreement ? h('span', { class: 'flag' }, ' ⚠ ', t('board.disagreement', { spread: Number(it.spread || 0).toFixed(0) })) : null) : null))));
}

/** boardTitle is the leaderboard's heading: final once the results are published. */
export const boardTitle = (lb) => t(lb && lb.final ? 'board.final' : 'board.title');

/** tick calls fn about every quarter second while the page is open. */
export function tick(fn) {
  fn();
  return setInterval(fn, 250);
}
