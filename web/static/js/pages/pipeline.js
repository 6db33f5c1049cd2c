// pipeline.js: an investor's pipeline board: GET /api/v1/pipeline; moving a
// startup or editing its note is PUT /api/v1/pipeline/{startup_id}.
import { api, apiAll, h, has, t, $, vocab, requireSignIn, setStatus, errorText, profileURL, fmtDate, label } from '../core.js';

const STAGES = ['new', 'contacted', 'meeting', 'diligence', 'invested', 'passed'];
let seq = 0;

function column(stage) {
  return h('section', { class: 'column', 'data-stage': stage, 'aria-labelledby': 'col-' + stage },
    h('h2', { id: 'col-' + stage }, label('pipeline.stage.', stage), ' ', h('span', { class: 'count' }, '0')),
    h('ul', { class: 'cards' }));
}

function count() {
  for (const col of document.querySelectorAll('.column')) col.querySelector('.count').textContent = String(col.querySelectorAll('li').length);
}

function card(it) {
  const n = ++seq;
  const name = it.startup_name || it.name || (it.startup && it.startup.name) || it.startup_id;
  const stageSel = h('select', { id: `stage-${n}` }, STAGES.map((s) => h('option', { value: s, selected: s === it.stage }, label('pipeline.stage.', s))));
  const note = h('textarea', { id: `note-${n}`, rows: 2, maxlength: 2000 }, it.note || '');
  // Passing asks for a coded reason; founders see only the aggregate.
  const reasonSel = h('select', { id: `reason-${n}` }, (vocab.pass_reasons || []).map((r) => h('option', { value: r, selected: r === it.pass_reason }, label('pass_reason.', r))));
  const passBtn = h('button', { type: 'button', class: 'small danger' }, t('pipeline.pass_confirm'));
  const passBox = h('div', { class: 'pass-box', hidden: true }, h('label', { for: `reason-${n}` }, t('pipeline.pass_reason')), reasonSel, passBtn);
  const li = h('li', { class: 'card', 'data-startup': it.startup_id },
    h('h3', null, h('a', { href: profileURL('startup', it.startup_id) }, name)),
    h('p', { class: 'muted small' }, [it.updated_at ? t('pipeline.updated', { date: fmtDate(it.updated_at) }) : '',
      it.source && it.source !== 'manual' ? t('pipeline.source.' + it.source) : ''].filter(Boolean).join(' · ')),
    h('label', { for: `stage-${n}` }, t('pipeline.stage')), stageSel, passBox,
    h('label', { for: `note-${n}` }, t('pipeline.note')), note,
    h('button', { type: 'button', class: 'small secondary', 'data-save-note': '' }, t('pipeline.save_note')));
  const save = async (focusAfter) => {
    stageSel.disabled = true;
    const body = { stage: stageSel.value, note: note.value };
    if (body.stage === 'passed') body.pass_reason = reasonSel.value;
    try {
      await api('PUT', '/pipeline/' + encodeURIComponent(it.startup_id), { body });
      it.stage = stageSel.value;
      it.note = note.value;
      passBox.hidden = true;
      const target = document.querySelector(`.column[data-stage="${it.stage}"] ul`);
      if (li.parentElement !== target) target.prepend(li);
      count();
      setStatus('page-status', t('pipeline.moved', { name, stage: label('pipeline.stage.', it.stage) }), 'ok');
      if (focusAfter) focusAfter.focus();
    } catch (err) {
      stageSel.value = it.stage;
      passBox.hidden = true;
      setStatus('page-status', errorText(err), 'error');
    } finally {
      stageSel.disabled = false;
    }
  };
  stageSel.addEventListener('change', () => {
    if (stageSel.value === 'passed' && it.stage !== 'passed') {
      passBox.hidden = false;
      reasonSel.focus();
      return;
    }
    passBox.hidden = true;
    save(stageSel);
  });
  passBtn.addEventListener('click', () => save(stageSel));
  li.querySelector('[data-save-note]').addEventListener('click', () => save(null));
  return li;
}

async function load() {
  const board = $('#board');
  setStatus('page-status', t('common.loading'));
  try {
    const items = await apiAll('/pipeline');
    board.replaceChildren(...STAGES.map(column));
    for (const it of items) {
      const col = board.querySelector(`.column[data-stage="${STAGES.includes(it.stage) ? it.stage : 'new'}"] ul`);
      col.append(card(it));
    }
    count();
    setStatus('page-status', items.length ? '' : t('pipeline.none'));
    // A board wider than the screen scrolls sideways: say so above it.
    const hint = () => { $('#board-hint').hidden = board.scrollWidth <= board.clientWidth + 1; };
    hint();
    addEventListener('resize', hint);
  } catch (err) {
    if (err.status === 403) {
      // Not an investor: a sentence saying so, and no empty board.
      setStatus('page-status', '');
      board.replaceWith(h('p', { class: 'notice', id: 'board' }, t('pipeline.forbidden')));
      return;
    }
    setStatus('page-status', errorText(err), 'error');
  }
}

if (requireSignIn() && has('pipeline')) load();
