// event-judge.js: a judge's scoring pad, made for a phone: one slider per
// rubric criterion, saved with PUT /api/v1/events/{id}/pitches/{pid}/scores/me
// (an upsert until the pitch's scoring closes). Every change is also kept
// in localStorage, so a reload (or a dead battery) loses nothing; the
// score already submitted (GET .../scores/me) is shown on any device, and
// an unsent draft wins over it only while scoring is open.
import { api, auth, h, has, t, $, params, setStatus, errorText, requireSignIn } from '../core.js';
import { reportError, clearErrors } from '../forms.js';
import { follow, currentPitch, remaining, clockText, phaseText, tick } from '../eventlive.js';

const id = params.id;
const enc = encodeURIComponent(id);
let view = null;
let pitchID = '';
let chosen = false; // the judge picked a pitch; do not follow the stage then
const key = () => `ml.score.${auth.user.id}.${id}.${pitchID}`;

function load() {
  try { return JSON.parse(localStorage.getItem(key()) || 'null'); } catch { return null; }
}

function total() {
  let sum = 0;
  let wsum = 0;
  for (const r of view.rubric) {
    const v = Number($(`#s-${r.key}`).value);
    sum += r.weight * v / r.max;
    wsum += r.weight;
  }
  return wsum ? 100 * sum / wsum : 0;
}

function collect() {
  const scores = {};
  for (const r of view.rubric) scores[r.key] = Number($(`#s-${r.key}`).value);
  return { scores, comment: $('#j-comment').value };
}

function saveDraft(synced) {
  const prev = load() || {};
  localStorage.setItem(key(), JSON.stringify({ ...collect(), synced: synced === undefined ? false : synced, saved_at: synced ? new Date().toISOString() : prev.saved_at }));
}

function showTotal() {
  $('#j-total').textContent = total().toFixed(1);
}

// closedFor: no score of the pitch can change any more.
const closedFor = (p) => !p || p.scoring_closed || !!(view && view.results_published_at);

function renderSliders(saved) {
  const p = view && (view.pitches || []).find((x) => x.id === pitchID);
  const draft = load();
  // An unsent draft is newer than the submitted score, unless nothing can be sent any more.
  const d = saved && (!draft || draft.synced || closedFor(p)) ? { ...saved, synced: true, saved_at: saved.updated_at } : draft;
  $('#sliders').replaceChildren(...view.rubric.map((r) => {
    const v = d && d.scores && d.scores[r.key] !== undefined ? d.scores[r.key] : 0;
    const step = r.max <= 10 ? 0.5 : 1;
    const out = h('output', { id: `o-${r.key}`, for: `s-${r.key}` }, String(v));
    const input = h('input', { type: 'range', id: `s-${r.key}`, name: r.key, min: 0, max: r.max, step, value: v,
      'aria-describedby': `w-${r.key}` });
    input.addEventListener('input', () => { out.textContent = input.value; showTotal(); saveDraft(); });
    return h('div', { class: 'field slider' },
      h('div', { class: 'slider-head' }, h('label', { for: `s-${r.key}` }, r.label), out),
      input,
      h('p', { class: 'hint', id: `w-${r.key}` }, t('judge.weight', { w: r.weight, max: r.max })));
  }));
  $('#j-comment').value = (d && d.comment) || '';
  showTotal();
  const st = d && d.synced ? t('judge.saved_at', { time: new Date(d.saved_at).toLocaleTimeString() }) : d ? t('judge.draft') : '';
  setStatus('score-status', st, d && d.synced ? 'ok' : 'info');
  showClosed(p);
}

// showClosed disables the pad once the pitch's scoring has closed.
function showClosed(p) {
  const closed = closedFor(p);
  for (const el of $('#score-form').querySelectorAll('input, textarea')) el.disabled = closed;
  $('#j-save').disabled = closed;
  $('#j-recuse').hidden = closed;
  if (p && closed) setStatus('score-status', t('judge.scoring_closed'), 'info');
}

// loadSaved shows the score the judge already submitted for the pitch.
async function loadSaved(pid) {
  try {
    const sc = await api('GET', `/events/${enc}/pitches/${encodeURIComponent(pid)}/scores/me`);
    if (sc && sc.scores && pid === pitchID) renderSliders(sc);
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

function showTimer() {
  const p = view && (view.pitches || []).find((x) => x.id === pitchID);
  const sec = p && (p.state === 'pitching' || p.state === 'qa') ? remaining(p) : null;
  $('#timer').textContent = sec === null ? '' : clockText(sec);
}

function showState(v) {
  view = v;
  $('#event-name').textContent = v.name;
  const open = (v.pitches || []).filter((p) => p.state !== 'scheduled');
  const cur = currentPitch(v);
  if (!chosen && cur && cur.state !== 'scheduled' && cur.id !== pitchID) pitchID = cur.id;
  if (!pitchID && open.length) pitchID = open[open.length - 1].id;
  const sel = $('#j-pitch');
  sel.replaceChildren(...(open.length ? open.map((p) => h('option', { value: p.id, selected: p.id === pitchID },
    `${p.order}. ${p.startup_name}${p.scoring_closed ? ' · ' + t('judge.closed') : ''}`)) : [h('option', { value: '' }, t('judge.none_started'))]));
  const p = open.find((x) => x.id === pitchID);
  $('#phase').textContent = p ? phaseText(p) : '';
  const form = $('#score-form');
  form.hidden = !p;
  if (p && form.dataset.pitch !== p.id) {
    form.dataset.pitch = p.id;
    renderSliders();
    loadSaved(p.id);
  } else {
    showClosed(p);
  }
  showTimer();
}

async function save(e) {
  e.preventDefault();
  const form = $('#score-form');
  clearErrors(form);
  saveDraft(false);
  $('#j-save').disabled = true;
  setStatus('score-status', t('common.working'));
  try {
    const res = await api('PUT', `/events/${enc}/pitches/${encodeURIComponent(pitchID)}/scores/me`, { body: collect() });
    saveDraft(true);
    setStatus('score-status', t('judge.saved', { total: Number(res.total).toFixed(1) }), 'ok');
  } catch (err) {
    if (err.code === 'conflict_of_interest') setStatus('score-status', t('judge.recused'), 'error');
    else reportError(form, 'score-status', err);
  } finally {
    $('#j-save').disabled = closedFor(view && (view.pitches || []).find((x) => x.id === pitchID));
  }
}

async function recuse() {
  const reason = prompt(t('judge.recuse_reason'));
  if (reason === null) return;
  try {
    await api('POST', `/events/${enc}/pitches/${encodeURIComponent(pitchID)}/recusals`, { body: { reason: reason.trim() || 'declared' } });
    setStatus('score-status', t('judge.recused'), 'info');
  } catch (err) {
    setStatus('score-status', errorText(err), 'error');
  }
}

async function init() {
  if (!requireSignIn() || !has('scores')) return;
  try {
    const js = await api('GET', `/events/${enc}/judges`);
    const me = auth.user.id;
    if (!(js.items || []).some((j) => j.user_id === me)) {
      $('#judge-code').textContent = me;
      $('#not-judge').hidden = false;
      return;
    }
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
    return;
  }
  $('#pad').hidden = false;
  $('#j-pitch').addEventListener('change', (e) => { chosen = true; pitchID = e.target.value; showState(view); });
  $('#score-form').addEventListener('submit', save);
  $('#j-recuse').addEventListener('click', recuse);
  follow(id, {
    onState: showState,
    onStatus: (s) => {
      const el = $('#conn');
      el.textContent = s === 'live' ? '' : t('live.' + s);
      el.classList.toggle('down', s === 'reconnecting');
    },
    onError: (err) => setStatus('page-status', errorText(err), 'error'),
  });
  tick(showTimer);
}

init();
