// event-audience.js: the audience's page: the pitch on stage, voting (one
// vote per account and pitch; 409 already_voted), questions with upvotes,
// investors' intent cards, and the leaderboard when it may be shown.
import { api, auth, h, has, t, $, params, setStatus, errorText, requireSignIn, toast } from '../core.js';
import { reportError, clearErrors } from '../forms.js';
import { follow, currentPitch, remaining, clockText, phaseText, boardTable, boardTitle, tick } from '../eventlive.js';

const id = params.id;
const enc = encodeURIComponent(id);
let view = null;
let questions = [];
const votedKey = (pid) => `ml.voted.${auth.user ? auth.user.id : ''}.${pid}`;
const upKey = (qid) => `ml.up.${auth.user ? auth.user.id : ''}.${qid}`;

// published: the results are out and nothing changes any more.
const published = () => !!(view && view.results_published_at);

function showTimer() {
  const p = view && !published() && currentPitch(view);
  const sec = p && (p.state === 'pitching' || p.state === 'qa') ? remaining(p) : null;
  $('#timer').textContent = sec === null ? '' : clockText(sec);
}

function voteButton(p) {
  if (localStorage.getItem(votedKey(p.id))) {
    return h('p', { class: 'ok-text' }, t('audience.voted', { name: p.startup_name }));
  }
  const btn = h('button', { type: 'button', class: 'big' }, t('audience.vote', { name: p.startup_name }));
  btn.addEventListener('click', async () => {
    if (!requireSignIn()) return;
    btn.disabled = true;
    try {
      await api('POST', `/events/${enc}/pitches/${encodeURIComponent(p.id)}/votes`);
      localStorage.setItem(votedKey(p.id), '1');
      toast(t('audience.voted', { name: p.startup_name }));
    } catch (err) {
      if (err.code === 'already_voted') localStorage.setItem(votedKey(p.id), '1');
      else toast(errorText(err));
    }
    showVotes();
  });
  return btn;
}

function showVotes() {
  const open = published() ? [] : (view.pitches || []).filter((p) => p.voting_open && !p.voting_closed);
  $('#vote-box').replaceChildren(...(open.length ? open.map(voteButton) : [h('p', { class: 'muted' }, t('audience.no_voting'))]));
}

function showIntent() {
  const box = $('#intent-box');
  const p = currentPitch(view);
  if (!has('intents') || !auth.hasRole('investor') || !p || p.state === 'scheduled' || published()) { box.replaceChildren(); delete box.dataset.pitch; return; }
  if (box.dataset.pitch === p.id) return;
  box.dataset.pitch = p.id;
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'intent', novalidate: true },
    h('label', { for: 'intent-note' }, t('audience.intent_note', { name: p.startup_name })),
    h('textarea', { id: 'intent-note', name: 'note', rows: 2, maxlength: 1000 }),
    status,
    h('button', { type: 'submit', class: 'secondary' }, t('audience.intent')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', `/events/${enc}/pitches/${encodeURIComponent(p.id)}/intents`, { body: { note: form.elements.note.value.trim() } });
      setStatus(status, t('audience.intent_sent'), 'ok');
    } catch (err) {
      setStatus(status, errorText(err), 'error');
    }
  });
  box.replaceChildren(form);
}

function showState(v) {
  view = v;
  const p = currentPitch(v);
  const done = published();
  $('#event-name').textContent = v.name;
  // Once published the page is about the results, not the last pitch.
  $('#current').textContent = done ? t('audience.final') : p ? p.startup_name : t('screen.no_pitch');
  $('#phase').textContent = !done && p ? phaseText(p) : '';
  $('#ask-form').hidden = done;
  $('#ask-closed').hidden = !done;
  document.title = v.name + ' · ' + t('audience.title');
  showTimer();
  showVotes();
  showIntent();
}

function showQuestions() {
  const list = questions.filter((q) => !q.hidden).sort((a, b) => b.upvotes - a.upvotes);
  $('#questions').replaceChildren(...(list.length ? list.map((q) => {
    const done = !!localStorage.getItem(upKey(q.id)) || published();
    const btn = h('button', { type: 'button', class: 'small secondary', 'aria-pressed': String(done), disabled: done,
      'aria-label': t('audience.upvote_label', { n: q.upvotes }) }, '▲ ', String(q.upvotes));
    btn.addEventListener('click', async () => {
      if (!requireSignIn()) return;
      btn.disabled = true;
      try {
        onQuestion(await api('POST', `/events/${enc}/questions/${encodeURIComponent(q.id)}/upvote`));
        localStorage.setItem(upKey(q.id), '1');
      } catch (err) {
        if (err.code === 'already_voted') localStorage.setItem(upKey(q.id), '1'); else toast(errorText(err));
      }
      showQuestions();
    });
    return h('li', null, btn, h('p', null, q.text));
  }) : [h('li', { class: 'muted' }, t('audience.no_questions'))]));
}

function onQuestion(q) {
  const i = questions.findIndex((x) => x.id === q.id);
  if (i >= 0) questions[i] = { ...questions[i], ...q }; else if (q.text) questions.push(q);
  showQuestions();
}

function showStatus(s) {
  const el = $('#conn');
  el.textContent = s === 'live' ? '' : t('live.' + s);
  el.classList.toggle('down', s === 'reconnecting');
  document.querySelector('.stagecard').classList.toggle('stale', s === 'reconnecting');
}

if (has('events')) {
  $('#ask-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!requireSignIn()) return;
    const form = e.target;
    clearErrors(form);
    try {
      onQuestion(await api('POST', `/events/${enc}/questions`, { body: { text: form.elements.text.value.trim() } }));
      form.reset();
      setStatus('ask-status', t('audience.asked'), 'ok');
    } catch (err) {
      reportError(form, 'ask-status', err);
    }
  });
  follow(id, {
    onState: showState,
    onBoard: (lb) => { $('#board-h').textContent = boardTitle(lb); $('#board').replaceChildren(boardTable(lb)); },
    onQuestions: (list) => { questions = list; showQuestions(); },
    onQuestion,
    onStatus: showStatus,
    onError: (err) => setStatus('ask-status', errorText(err), 'error'),
  }, { questions: true });
  tick(showTimer);
}
