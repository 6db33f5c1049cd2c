// intro.js: the "request an introduction" form (POST /api/v1/intros), used
// on investor and mentor pages and on the founder's matches.
import { api, h, t, setStatus, errorText } from './core.js';

let seq = 0;

/**
 * introForm builds the form. startups are the founder's startup refs; with
 * one, it is fixed, otherwise the founder picks one.
 */
export function introForm({ startups, toKind, toID, toName, onSent }) {
  const n = ++seq;
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const pick = startups.length > 1
    ? h('div', { class: 'field' },
      h('label', { for: `intro-startup-${n}` }, t('intro.from')),
      h('select', { id: `intro-startup-${n}`, name: 'startup_id' }, startups.map((r) => h('option', { value: r.id }, r.name))))
    : h('input', { type: 'hidden', name: 'startup_id', value: startups[0].id });
  const form = h('form', { class: 'intro-form', novalidate: true },
    h('h3', null, t('intro.heading', { name: toName })),
    pick,
    h('div', { class: 'field' },
      h('label', { for: `intro-message-${n}` }, t('intro.message')),
      h('textarea', { id: `intro-message-${n}`, name: 'message', rows: 3, maxlength: 2000, placeholder: t('intro.placeholder') })),
    status,
    h('button', { type: 'submit' }, t('intro.send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    setStatus(status, t('common.working'));
    try {
      const res = await api('POST', '/intros', {
        body: { startup_id: form.elements.startup_id.value, to_kind: toKind, to_id: toID, message: form.elements.message.value.trim() },
      });
      setStatus(status, t('intro.sent'), 'ok');
      form.elements.message.disabled = true;
      if (onSent) onSent(res);
    } catch (err) {
      setStatus(status, errorText(err), 'error');
      btn.disabled = false;
    }
  });
  return form;
}
