// approvals.js: the owner's queue of pending bookings on their instruments:
// POST /api/v1/bookings/{id}/approve or /reject.
import { api, h, has, t, $, requireSignIn, myProfiles, setStatus, errorText, fmtDateTime, profileURL, plural } from '../core.js';
import { DAY, iso } from '../when.js';

function card(eq, bk) {
  const actions = h('div', { class: 'button-row' });
  const li = h('li', { class: 'card', 'data-id': bk.id },
    h('div', { class: 'card-head' }, h('span', { class: 'tag k-equipment' }, t('calendar.pending')),
      h('h3', null, h('a', { href: profileURL('equipment', eq.id) }, eq.name))),
    h('p', null, fmtDateTime(bk.start), ' – ', fmtDateTime(bk.end)),
    bk.user_name || (bk.user && bk.user.name) ? h('p', null, t('approvals.by', { name: bk.user_name || bk.user.name })) : null,
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
  actions.append(
    h('button', { type: 'button', class: 'small', onclick: () => act('approve') }, t('approvals.approve')),
    h('button', { type: 'button', class: 'small secondary', onclick: () => act('reject') }, t('approvals.reject')));
  return li;
}

async function load() {
  if (!requireSignIn() || !has('approvals')) return;
  const mine = await myProfiles('equipment');
  const list = $('#approval-list');
  if (!mine.length) {
    list.replaceChildren(h('li', { class: 'card' }, t('approvals.need_equipment'), ' ', h('a', { href: `/${plural('equipment')}/new` }, t('approvals.create'))));
    return;
  }
  setStatus('page-status', t('common.loading'));
  const now = Date.now();
  const from = encodeURIComponent(iso(now - DAY));
  const to = encodeURIComponent(iso(now + 120 * DAY));
  try {
    const lists = await Promise.all(mine.map((eq) => api('GET', `/equipment/${encodeURIComponent(eq.id)}/bookings?from=${from}&to=${to}`)
      .then((res) => (res.items || []).filter((b) => b.status === 'pending').map((b) => [eq, b]))));
    const rows = lists.flat().sort((x, y) => new Date(x[1].start) - new Date(y[1].start));
    list.replaceChildren(...rows.map(([eq, b]) => card(eq, b)));
    setStatus('page-status', rows.length ? t('approvals.count', { n: rows.length }) : t('approvals.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

load();
