// approvals.js: the owner's queue of pending bookings on their instruments:
// POST /api/v1/bookings/{id}/approve or /reject; and their bookings of the
// last 30 days that have started, whose actual times the owner records
// after the fact: PUT /api/v1/bookings/{id}/usage.
import { api, apiAll, h, has, t, $, requireSignIn, myProfiles, setStatus, errorText, fieldErrorText, fmtDateTime, fmtMoney, label, profileURL, plural } from '../core.js';
import { DAY, iso, parts, pad, clock } from '../when.js';

function card(eq, bk) {
  const actions = h('div', { class: 'button-row' });
  const li = h('li', { class: 'card', 'data-id': bk.id },
    h('div', { class: 'card-head' }, h('span', { class: 'tag k-equipment' }, t('calendar.pending')),
      h('h3', null, h('a', { href: profileURL('equipment', eq.id) }, eq.name))),
    h('p', null, fmtDateTime(bk.start), ' – ', fmtDateTime(bk.end)),
    bk.user_name || (bk.user && bk.user.name) ? h('p', null, t('approvals.by', { name: bk.user_name || bk.user.name })) : null,
    bk.untrained ? h('p', { class: 'untrained' }, t('approvals.untrained')) : null,
    bk.purpose ? h('p', { class: 'pre' }, bk.purpose) : null,
    actions);
  const act = async (what) => {
    for (const b of actions.querySelectorAll('button')) b.disabled = true;
    try {
      await api('POST', `/bookings/${encodeURIComponent(bk.id)}/${what}`);
      li.replaceWith(h('li', { class: 'card muted' }, t(what === 'approve' ? 'approvals.approved' : 'approvals.rejected', { name: eq.name })));
    } catch (err) {
      setStatus('page-status', errorText(err), 'error');
      for (const b of actions.querySelectorAll('button')) b.disabled = false;
    }
  };
  // Rejecting cannot be undone: it asks first.
  const buttons = [
    h('button', { type: 'button', class: 'small', onclick: () => act('approve') }, t('approvals.approve')),
    h('button', { type: 'button', class: 'small secondary', onclick: () => actions.replaceChildren(h('span', null, t('approvals.reject_q', { name: bk.user_name || (bk.user && bk.user.name) || '' })),
      h('button', { type: 'button', class: 'small danger', onclick: () => act('reject') }, t('approvals.reject_yes')),
      h('button', { type: 'button', class: 'small secondary', onclick: () => actions.replaceChildren(...buttons) }, t('common.cancel'))) }, t('approvals.reject'))];
  actions.append(...buttons);
  return li;
}

// local is the value of a datetime-local input for an instant, in Shanghai time.
const local = (s) => { const p = parts(new Date(s).getTime()); return `${p.y}-${pad(p.m)}-${pad(p.d)}T${clock(p.min)}`; };

function recordCard(eq, bk) {
  const input = (name, key, v) => {
    const id = `${name}-${bk.id}`;
    return h('div', { class: 'field' }, h('label', { for: id }, t(key)), h('input', { id, name, type: 'datetime-local', required: true, value: local(v) }));
  };
  const form = h('form', { class: 'inline-form', novalidate: true },
    input('actual_start', 'approvals.actual_start', bk.actual_start || bk.start),
    input('actual_end', 'approvals.actual_end', bk.actual_end || bk.end),
    h('button', { type: 'submit', class: 'small' }, t('approvals.record')));
  const li = h('li', { class: 'card', 'data-id': bk.id },
    h('div', { class: 'card-head' }, h('span', { class: 'tag k-equipment' }, label('booking.status.', bk.status)),
      h('h3', null, h('a', { href: profileURL('equipment', eq.id) }, eq.name))),
    h('p', null, fmtDateTime(bk.start), ' – ', fmtDateTime(bk.end), bk.user_name ? ' · ' + t('approvals.by', { name: bk.user_name }) : ''),
    bk.actual_start ? h('p', { class: 'small' }, t('approvals.used', { from: fmtDateTime(bk.actual_start), to: fmtDateTime(bk.actual_end) }), ' · ', fmtMoney(bk.cost_cny)) : null,
    form);
  form.onsubmit = async (e) => {
    e.preventDefault();
    const btn = form.querySelector('button');
    btn.disabled = true;
    try {
      const res = await api('PUT', `/bookings/${encodeURIComponent(bk.id)}/usage`,
        { body: { actual_start: form.actual_start.value + ':00+08:00', actual_end: form.actual_end.value + ':00+08:00' } });
      li.replaceWith(recordCard(eq, res));
      setStatus('page-status', t('approvals.recorded', { name: eq.name, cost: fmtMoney(res.cost_cny) }), 'ok');
    } catch (err) {
      const msg = err.fields && err.fields.length ? err.fields.map((fe) => t('approvals.' + fe.field) + ': ' + fieldErrorText(fe)).join(' ') : errorText(err);
      setStatus('page-status', msg, 'error');
      btn.disabled = false;
    }
  };
  return li;
}

async function load() {
  if (!requireSignIn() || !has('approvals')) return;
  const mine = await myProfiles('equipment');
  const list = $('#approval-list');
  if (!mine.length) {
    list.replaceWith(h('p', { class: 'notice', id: 'approval-list' }, t('approvals.need_equipment'), ' ', h('a', { href: `/${plural('equipment')}/new` }, t('approvals.create'))));
    return;
  }
  setStatus('page-status', t('common.loading'));
  const now = Date.now();
  const from = encodeURIComponent(iso(now - 30 * DAY));
  const to = encodeURIComponent(iso(now + 120 * DAY));
  try {
    const lists = await Promise.all(mine.map((eq) => apiAll(`/equipment/${encodeURIComponent(eq.id)}/bookings?from=${from}&to=${to}`)
      .then((items) => items.map((b) => [eq, b]))));
    const all = lists.flat().sort((x, y) => new Date(x[1].start) - new Date(y[1].start));
    const rows = all.filter(([, b]) => b.status === 'pending' && new Date(b.end) > now - DAY);
    if (has('usage_record')) {
      const done = all.filter(([, b]) => ['confirmed', 'no_show', 'completed'].includes(b.status) && new Date(b.start) < now).reverse().slice(0, 50);
      $('#record-list').replaceChildren(...(done.length ? done.map(([eq, b]) => recordCard(eq, b)) : [h('li', { class: 'muted' }, t('approvals.record_none'))]));
      $('#record-box').hidden = false;
    }
    list.replaceChildren(...rows.map(([eq, b]) => card(eq, b)));
    setStatus('page-status', rows.length ? t('approvals.count', { n: rows.length }) : t('approvals.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

load();
