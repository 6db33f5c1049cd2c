// forms.js: schema-driven profile forms (fill, read back, show the API's
// field errors next to their fields) and form error helpers for any form.
import { h, t, $, $$, fieldErrorText, errorText, setStatus } from './core.js';

const DAYS = [1, 2, 3, 4, 5, 6, 7];
let rowSeq = 0;

const pad = (n) => String(n).padStart(2, '0');
const CLOCK = Array.from({ length: 49 }, (_, i) => pad(Math.floor(i / 2)) + ':' + (i % 2 ? '30' : '00'));

/** clockSelect is a select of half-hour times that also offers value. */
function clockSelect(id, key, value, times) {
  const opts = times.includes(value) || !value ? times : [...times, value].sort();
  return h('select', { id, 'data-k': key }, opts.map((c) => h('option', { value: c, selected: c === value }, c)));
}

/** hoursRow builds one editable opening window of an instrument. */
function hoursRow(name, w = { day: 1, from: '09:00', to: '18:00' }) {
  const n = ++rowSeq;
  const id = (s) => `${name}-${s}-${n}`;
  const row = h('div', { class: 'hours-row', 'data-hours-row': '' },
    h('label', { for: id('day'), class: 'vh' }, t('hours.day')),
    h('select', { id: id('day'), 'data-k': 'day' },
      DAYS.map((d) => h('option', { value: d, selected: d === Number(w.day) }, t('day.' + d)))),
    h('label', { for: id('from'), class: 'vh' }, t('hours.from')),
    clockSelect(id('from'), 'from', w.from, CLOCK.slice(0, 48)),
    h('span', { 'aria-hidden': 'true' }, '–'),
    h('label', { for: id('to'), class: 'vh' }, t('hours.to')),
    clockSelect(id('to'), 'to', w.to, CLOCK.slice(1)),
    h('button', { type: 'button', class: 'linkish', onclick: () => row.remove() }, t('hours.remove')));
  return row;
}

/** setupForm wires the dynamic parts of a profile form (opening hours). */
export function setupForm(form) {
  for (const btn of $$('[data-add-hours]', form)) {
    const name = btn.dataset.addHours;
    btn.addEventListener('click', () => {
      const box = $(`[data-hours="${name}"]`, form);
      const row = hoursRow(name);
      box.append(row);
      row.querySelector('select').focus();
    });
  }
}

/** fill sets the form's controls from a profile. */
export function fill(form, schema, p) {
  for (const f of schema) {
    const v = p[f.name];
    const ctl = form.elements.namedItem(f.name);
    switch (f.type) {
      case 'multi': {
        const vals = Array.isArray(v) ? v : [];
        const known = new Set(f.options);
        for (const box of $$(`input[name="${f.name}"]`, form)) box.checked = vals.includes(box.value);
        // Values the form has no checkbox for are kept on save.
        $(`[data-field="${f.name}"]`, form).dataset.extra = JSON.stringify(vals.filter((x) => !known.has(x)));
        break;
      }
      case 'bool':
        ctl.checked = !!v;
        break;
      case 'list':
        ctl.value = Array.isArray(v) ? v.join('\n') : '';
        break;
      case 'hours': {
        const box = $(`[data-hours="${f.name}"]`, form);
        box.replaceChildren(...(Array.isArray(v) ? v : []).map((w) => hoursRow(f.name, w)));
        break;
      }
      case 'int':
      case 'money':
        ctl.value = v === undefined || v === null ? '' : String(v);
        break;
      default:
        ctl.value = v === undefined || v === null ? '' : String(v);
    }
  }
}

/** collect reads the form back into a profile object of the schema's fields. */
export function collect(form, schema) {
  const out = {};
  for (const f of schema) {
    const ctl = form.elements.namedItem(f.name);
    switch (f.type) {
      case 'multi': {
        const extra = JSON.parse($(`[data-field="${f.name}"]`, form).dataset.extra || '[]');
        out[f.name] = $$(`input[name="${f.name}"]`, form).filter((b) => b.checked).map((b) => b.value).concat(extra);
        break;
      }
      case 'bool':
        out[f.name] = ctl.checked;
        break;
      case 'list':
        out[f.name] = ctl.value.split('\n').map((s) => s.trim()).filter(Boolean);
        break;
      case 'hours':
        out[f.name] = $$('[data-hours-row]', form).map((r) => ({
          day: Number($('[data-k="day"]', r).value),
          from: $('[data-k="from"]', r).value,
          to: $('[data-k="to"]', r).value,
        }));
        break;
      case 'int':
      case 'money': {
        const s = ctl.value.trim();
        out[f.name] = s === '' ? 0 : Number(s);
        break;
      }
      default:
        out[f.name] = ctl.value.trim();
    }
  }
  return out;
}

/** clearErrors hides every field error of a form. */
export function clearErrors(form) {
  for (const p of $$('.field-error', form)) { p.hidden = true; p.textContent = ''; }
  for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
  for (const el of $$('.field.invalid', form)) el.classList.remove('invalid');
}

/**
 * showFieldErrors puts each 422 errors[] entry next to its field: "stages[1]"
 * and "open_hours[0].from" belong to "stages" and "open_hours". It returns
 * the entries no field of the form shows.
 */
export function showFieldErrors(form, errors, schema = []) {
  clearErrors(form);
  const byField = new Map();
  const rest = [];
  for (const fe of errors) {
    const m = /^([^[.]+)(?:\[(\d+)\])?/.exec(fe.field || '');
    const base = m ? m[1] : '';
    const box = base && $(`.field[data-field="${base}"]`, form);
    if (!box) { rest.push(fe); continue; }
    const f = schema.find((x) => x.name === base) || {};
    let msg = fieldErrorText(fe, f);
    if (m[2] !== undefined) msg = t('form.item', { n: Number(m[2]) + 1 }) + msg;
    if (!byField.has(base)) byField.set(base, []);
    byField.get(base).push(msg);
  }
  let first = null;
  for (const [base, msgs] of byField) {
    const box = $(`.field[data-field="${base}"]`, form);
    box.classList.add('invalid');
    const p = $('.field-error', box);
    p.textContent = msgs.join(' ');
    p.hidden = false;
    const ctl = $('input, select, textarea', box);
    if (ctl) ctl.setAttribute('aria-invalid', 'true');
    if (!first) first = ctl;
  }
  if (first) first.focus();
  return rest;
}

/** reportError shows a failed submit: field errors by their fields, the rest in status. */
export function reportError(form, status, err, schema) {
  if (err.code === 'validation_failed' && err.fields.length) {
    const rest = showFieldErrors(form, err.fields, schema);
    const n = err.fields.length;
    const extra = rest.map((fe) => `${fe.field}: ${fieldErrorText(fe, {})}`).join('; ');
    setStatus(status, t('form.fix_errors', { n }) + (extra ? ' ' + extra : ''), 'error');
    return;
  }
  clearErrors(form);
  setStatus(status, errorText(err), 'error');
}
