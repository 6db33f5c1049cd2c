// event-console.js: the organizer's console: pitch order and the controls
// of each pitch (POST /api/v1/events/{id}/control), judges and their
// progress with disagreement flags, the full leaderboard, questions to
// hide, publishing the results.
import { api, auth, h, has, t, $, params, setStatus, errorText, requireSignIn, fmtDateTime, toast } from '../core.js';
import { reportError, clearErrors } from '../forms.js';
import { attachSuggest } from '../suggest.js';
import { follow, remaining, clockText, phaseText, boardTable, boardTitle, tick } from '../eventlive.js';

const id = params.id;
const enc = encodeURIComponent(id);
let view = null;
let questions = [];
let picked = null; // the startup chosen in the add-pitch box

async function control(action, pitchID, btn) {
  if (btn) btn.disabled = true;
  try {
    const v = await api('POST', `/events/${enc}/control`, { body: { action, pitch_id: pitchID || '' } });
    if (v && v.pitches) showState(v);
    setStatus('page-status', t('console.done.' + action), 'ok');
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
    if (btn) btn.disabled = false;
  }
}

function controls(p) {
  if (view && view.results_published_at) return []; // nothing changes after publishing
  const b = (action, cls = 'small') => h('button', { type: 'button', class: cls, 'data-action': action,
    'aria-label': t('console.action.' + action) + ' · ' + p.startup_name, onclick: (e) => control(action, p.id, e.currentTarget) }, t('console.action.' + action));
  const out = [];
  if (p.state === 'scheduled') out.push(b('start_pitch'));
  if (p.state === 'pitching') out.push(b('start_qa'));
  if (p.state === 'pitching' || p.state === 'qa') out.push(b('end_pitch', 'small secondary'));
  if (p.state !== 'scheduled' && !p.voting_open && !p.voting_closed) out.push(b('open_voting', 'small secondary'));
  if (p.voting_open && !p.voting_closed) out.push(b('close_voting', 'small secondary'));
  if (p.state !== 'scheduled' && !p.scoring_closed) out.push(b('close_scoring', 'small secondary'));
  return out;
}

function showTimers() {
  for (const p of (view && view.pitches) || []) {
    const el = document.querySelector(`[data-timer="${p.id}"]`);
    if (el) el.textContent = p.state === 'pitching' || p.state === 'qa' ? clockText(remaining(p)) : '';
  }
}

function showState(v) {
  view = v;
  document.title = v.name + ' · ' + t('console.title');
  $('#event-name').textContent = v.name;
  $('#event-meta').textContent = fmtDateTime(v.starts_at) + ' · ' + t('events.durations', { p: Math.round(v.pitch_seconds / 60), q: Math.round(v.qa_seconds / 60) })
    + (v.results_published_at ? ' · ' + t('console.published') : '');
  showPublish(v);
  $('#pitch-list').replaceChildren(...(v.pitches || []).map((p) => h('li', { class: p.id === v.current_pitch_id ? 'current' : '', 'data-pitch': p.id },
    h('strong', null, `${p.order}. ${p.startup_name}`),
    h('span', { class: 'tag' }, phaseText(p)),
    p.voting_open ? h('span', { class: 'tag status-accepted' }, t('screen.voting_open')) : null,
    p.scoring_closed ? h('span', { class: 'tag status-declined' }, t('judge.closed')) : null,
    h('span', { class: 'timer-sm', 'data-timer': p.id }),
    h('span', { class: 'button-row' }, controls(p)))));
  if (!(v.pitches || []).length) $('#pitch-list').replaceChildren(h('li', { class: 'muted' }, t('console.no_pitches')));
  showTimers();
}

// showPublish offers publishing once a pitch has started, and hides what
// can no longer change (adding pitches and judges) once it is done.
function showPublish(v) {
  const published = !!v.results_published_at;
  const started = (v.pitches || []).some((p) => p.state !== 'scheduled');
  $('#add-pitch').hidden = published;
  $('#add-judge').hidden = published;
  const row = $('#publish-row');
  if (published) { row.replaceChildren(); return; }
  if (row.dataset.asking) return;
  const btn = h('button', { type: 'button', id: 'publish', class: 'secondary', disabled: !started,
    'aria-describedby': started ? null : 'publish-hint', onclick: askPublish }, t('console.publish'));
  row.replaceChildren(btn, started ? null : h('span', { class: 'hint', id: 'publish-hint' }, t('console.publish_wait')));
}

// askPublish asks for confirmation in the page, naming the event.
function askPublish() {
  const row = $('#publish-row');
  row.dataset.asking = '1';
  const back = () => { delete row.dataset.asking; showPublish(view); $('#publish').focus(); };
  const yes = h('button', { type: 'button', id: 'publish-yes', class: 'danger', onclick: async (e) => {
    e.currentTarget.disabled = true;
    await control('publish_results', '', null);
    delete row.dataset.asking;
    showPublish(view);
  } }, t('console.publish_yes'));
  row.replaceChildren(h('span', { id: 'publish-q' }, t('console.publish_q', { name: view.name })), yes,
    h('button', { type: 'button', id: 'publish-no', class: 'secondary', onclick: back }, t('common.cancel')));
  yes.focus();
}

function showJudges(list) {
  $('#judge-list').replaceChildren(...(list.length ? list.map((j) => h('li', null, j.name || j.user_id,
    j.expected ? h('span', { class: 'muted small' }, ' · ', t('console.judge_progress', { n: j.scored, of: j.expected })) : null))
    : [h('li', { class: 'muted' }, t('console.no_judges'))]));
}

function showProgress(pr) {
  if (pr.judges) showJudges(pr.judges);
  const rows = (pr.pitches || []).map((p) => h('tr', null,
    h('th', { scope: 'row' }, `${p.order}. ${p.startup_name}`),
    h('td', { class: 'num' }, `${p.scored}/${p.expected}`),
    h('td', null, (p.missing || []).map((uid) => { const j = (pr.judges || []).find((x) => x.user_id === uid); return j ? j.name : uid; }).join('、') || '—'),
    h('td', null, p.disagreement ? h('span', { class: 'flag' }, '⚠ ', t('board.disagreement', { spread: Number(p.spread).toFixed(0) })) : '')));
  $('#progress').replaceChildren(h('table', { class: 'leaderboard' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('board.startup')), h('th', { scope: 'col', class: 'num' }, t('console.scored')),
      h('th', { scope: 'col' }, t('console.missing')), h('th', { scope: 'col' }, t('console.flags')))),
    h('tbody', null, rows)));
}

async function loadJudges() {
  try {
    const js = await api('GET', `/events/${enc}/judges`);
    showJudges(js.items || []);
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

function showQuestions() {
  const list = [...questions].sort((a, b) => b.upvotes - a.upvotes);
  $('#questions').replaceChildren(...(list.length ? list.map((q) => {
    const btn = h('button', { type: 'button', class: 'small secondary' }, t(q.hidden ? 'console.show' : 'console.hide'));
    btn.addEventListener('click', async () => {
      try {
        onQuestion(await api('POST', `/events/${enc}/questions/${encodeURIComponent(q.id)}/hide`, { body: { hidden: !q.hidden } }));
      } catch (err) { toast(errorText(err)); }
    });
    return h('li', { class: q.hidden ? 'muted' : '' }, h('span', { class: 'count' }, '▲ ' + q.upvotes), h('p', null, q.text), btn);
  }) : [h('li', { class: 'muted' }, t('audience.no_questions'))]));
}

function onQuestion(q) {
  const i = questions.findIndex((x) => x.id === q.id);
  if (i >= 0) questions[i] = { ...questions[i], ...q }; else if (q.text) questions.push(q);
  showQuestions();
}

function links() {
  const a = (href, key) => h('a', { class: 'button small secondary', href }, t(key));
  $('#links').replaceChildren(a(`/events/${enc}/screen`, 'events.screen'), a(`/events/${enc}`, 'events.audience'),
    a(`/events/${enc}/judge`, 'events.judge'), h('span', { class: 'muted' }, t('console.short_link'), ' ', h('code', null, location.origin + '/e/' + enc)));
  $('#csv').href = `/api/v1/events/${enc}/results.csv?bom=1`;
}

async function init() {
  if (!requireSignIn() || !has('event_admin')) return;
  let v;
  try {
    v = await api('GET', `/events/${enc}`);
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
    return;
  }
  if (v.organizer_id !== auth.user.id && !auth.hasRole('admin')) {
    setStatus('page-status', t('console.not_organizer'), 'error');
    return;
  }
  $('#console').hidden = false;
  links();
  showState(v);
  loadJudges();
  attachSuggest($('#p-startup'), { kind: 'startup', onPick: (it) => { picked = it; $('#p-startup').value = it.title; } });
  $('#add-pitch').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    if (!picked) { setStatus('page-status', t('console.pick_startup'), 'error'); return; }
    if (form.dataset.busy) return;
    form.dataset.busy = '1';
    const order = Math.max(0, ...(view.pitches || []).map((p) => p.order)) + 1;
    try {
      const p = await api('POST', `/events/${enc}/pitches`, { body: { startup_id: picked.id, order } });
      picked = null;
      form.reset();
      setStatus('page-status', t('console.pitch_added'), 'ok');
      if (p && !(view.pitches || []).some((x) => x.id === p.id)) showState({ ...view, pitches: [...(view.pitches || []), p] });
    } catch (err) {
      reportError(form, 'page-status', err);
    } finally {
      delete form.dataset.busy;
    }
  });
  $('#add-judge').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    try {
      // An e-mail address or the judge code (account id) the judge's pad shows.
      const who = form.elements.user_id.value.trim();
      await api('POST', `/events/${enc}/judges`, { body: who.includes('@') ? { email: who } : { user_id: who } });
      form.reset();
      setStatus('page-status', t('console.judge_added'), 'ok');
      loadJudges();
    } catch (err) {
      if (err.fields) err.fields = err.fields.map((f) => (f.field === 'email' ? { ...f, field: 'user_id' } : f));
      reportError(form, 'page-status', err);
    }
  });
  follow(id, {
    onState: showState,
    onBoard: (lb) => { $('#board-h').textContent = boardTitle(lb); $('#board').replaceChildren(boardTable(lb, { flags: true })); },
    onProgress: showProgress,
    onQuestions: (list) => { questions = list; showQuestions(); },
    onQuestion,
    onStatus: (s) => {
      const el = $('#conn');
      el.textContent = s === 'live' ? '' : t('live.' + s);
      el.classList.toggle('down', s === 'reconnecting');
    },
    onError: (err) => setStatus('page-status', errorText(err), 'error'),
  }, { judges: true, questions: true });
  tick(showTimers);
}

init();
