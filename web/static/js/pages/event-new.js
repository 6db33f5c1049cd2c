// event-new.js: an organizer creates a pitch event (POST /api/v1/events):
// name, start (Beijing time), the 8+7 format or custom durations, ranking,
// hiding results until voting closes, and the weighted rubric.
import { api, h, has, t, tOr, $, $$, requireSignIn, setStatus } from '../core.js';
import { reportError, clearErrors } from '../forms.js';

const boot = JSON.parse(document.getElementById('ml-boot').textContent);
let seq = 0;

// defaultLabel is a default criterion's name in the page's language
// (the server's default rubric names them in both).
const defaultLabel = (r) => tOr('eventnew.default.' + r.key, r.label);

function row(r = { key: '', label: '', weight: 10, max: 10 }) {
  const n = ++seq;
  // Each input under its own visible label, so weight and top score are never guessed.
  const cell = (k, lbl, attrs, cls = '') => h('div', { class: 'rubric-cell ' + cls },
    h('label', { for: `r-${k}-${n}` }, lbl), h('input', { id: `r-${k}-${n}`, 'data-k': k, ...attrs }));
  const el = h('div', { class: 'rubric-row', 'data-row': '' },
    cell('label', t('eventnew.criterion_label'), { type: 'text', value: r.label, maxlength: 120 }, 'wide'),
    cell('key', t('eventnew.criterion_key'), { type: 'text', value: r.key, maxlength: 32, placeholder: 'key', pattern: '[a-z][a-z0-9_]*' }),
    cell('weight', t('eventnew.criterion_weight'), { type: 'number', value: r.weight, min: 0, step: 'any' }),
    cell('max', t('eventnew.criterion_max'), { type: 'number', value: r.max, min: 1, step: 'any' }),
    h('button', { type: 'button', class: 'linkish', onclick: () => el.remove() }, t('eventnew.remove_criterion')));
  return el;
}

function collect(form) {
  const custom = form.elements.format.value === 'custom';
  const v = form.elements.starts_at.value;
  const body = {
    name: form.elements.name.value.trim(),
    starts_at: v ? v + ':00+08:00' : '',
    ranking: form.elements.ranking.value,
    hide_results_until_close: form.elements.hide_results_until_close.checked,
    rubric: $$('[data-row]', form).map((r, i) => ({
      key: $('[data-k="key"]', r).value.trim() || 'c' + (i + 1),
      label: $('[data-k="label"]', r).value.trim(),
      weight: Number($('[data-k="weight"]', r).value),
      max: Number($('[data-k="max"]', r).value),
    })),
  };
  if (custom) {
    body.pitch_seconds = Math.round(Number(form.elements.pitch_minutes.value) * 60);
    body.qa_seconds = Math.round(Number(form.elements.qa_minutes.value) * 60);
  } else {
    body.preset = '8+7';
  }
  if (!body.starts_at) delete body.starts_at;
  return body;
}

function init() {
  if (!requireSignIn() || !has('event_admin')) return;
  const form = $('#event-form');
  $('#rubric-rows').replaceChildren(...(boot.rubric || []).map((r) => row({ ...r, label: defaultLabel(r) })));
  $('#add-criterion').addEventListener('click', () => { const r = row(); $('#rubric-rows').append(r); r.querySelector('input').focus(); });
  for (const radio of $$('input[name="format"]', form)) {
    radio.addEventListener('change', () => { $('#durations').hidden = form.elements.format.value !== 'custom'; });
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const btn = $('#save');
    btn.disabled = true;
    setStatus('edit-status', t('common.working'));
    try {
      const ev = await api('POST', '/events', { body: collect(form) });
      location.assign(`/events/${encodeURIComponent(ev.id)}/console`);
    } catch (err) {
      btn.disabled = false;
      reportError(form, 'edit-status', err);
    }
  });
}

init();
