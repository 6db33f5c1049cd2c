// me.js: "my profiles": GET /api/v1/me, the account and the profiles it
// owns; and the caller's instrument bookings (GET /api/v1/bookings, every
// page), which they may cancel while ahead (POST /bookings/{id}/cancel).
import { api, apiAll, auth, h, has, t, $, requireSignIn, setStatus, errorText, kindLabel, label, profileURL, plural, fmtDateTime, fmtMoney } from '../core.js';

const DAY = 86400000;

// statusTag is a booking's status; a pending one of an untrained booker
// says that it waits for the owner to arrange assistance.
function statusTag(b) {
  const cls = b.status === 'confirmed' || b.status === 'completed' ? 'accepted' : b.status === 'pending' ? 'pending' : 'declined';
  const text = b.status === 'pending' && b.untrained ? t('me.booking_untrained') : label('booking.status.', b.status);
  return h('span', { class: 'tag status-' + cls }, text);
}

function bookingCard(b, reload) {
  const ahead = new Date(b.end).getTime() > Date.now() && (b.status === 'pending' || b.status === 'confirmed');
  const actions = h('div', { class: 'button-row' });
  const li = h('li', { class: 'card' + (ahead ? '' : ' muted'), 'data-id': b.id },
    h('div', { class: 'card-head' }, statusTag(b),
      h('h3', null, h('a', { href: profileURL('equipment', b.equipment_id) }, b.equipment_name || b.equipment_id))),
    h('p', null, fmtDateTime(b.start), ' – ', fmtDateTime(b.end),
      b.institution ? h('span', { class: 'muted' }, ' · ', b.institution) : null,
      b.cost_cny ? h('span', { class: 'muted' }, ' · ', fmtMoney(b.cost_cny)) : null),
    b.purpose ? h('p', { class: 'pre small' }, b.purpose) : null,
    actions);
  if (!ahead) return li;
  const cancel = async (e) => {
    e.target.disabled = true;
    try {
      await api('POST', `/bookings/${encodeURIComponent(b.id)}/cancel`);
      setStatus('me-status', t('calendar.cancelled'), 'ok');
      await reload();
    } catch (err) {
      setStatus('me-status', errorText(err), 'error');
      e.target.disabled = false;
    }
  };
  const ask = () => actions.replaceChildren(h('span', null, t('me.cancel_q')),
    h('button', { type: 'button', class: 'small danger', onclick: cancel }, t('me.cancel_yes')),
    h('button', { type: 'button', class: 'small secondary', onclick: () => actions.replaceChildren(btn) }, t('me.cancel_keep')));
  const btn = h('button', { type: 'button', class: 'small secondary', onclick: ask }, t('calendar.cancel'));
  actions.append(btn);
  return li;
}

// loadBookings lists the caller's bookings of the last 30 days and the
// next six months, those ahead first.
async function loadBookings() {
  if (!has('bookings')) return;
  const now = Date.now();
  const q = `from=${encodeURIComponent(new Date(now - 30 * DAY).toISOString())}&to=${encodeURIComponent(new Date(now + 180 * DAY).toISOString())}`;
  try {
    const list = await apiAll('/bookings?' + q);
    const ahead = list.filter((b) => new Date(b.end).getTime() > now).sort((x, y) => new Date(x.start) - new Date(y.start));
    const past = list.filter((b) => new Date(b.end).getTime() <= now).sort((x, y) => new Date(y.start) - new Date(x.start));
    const all = [...ahead, ...past];
    $('#me-booking-list').replaceChildren(...(all.length ? all.map((b) => bookingCard(b, loadBookings)) : [h('li', { class: 'muted' }, t('me.bookings_none'))]));
    $('#me-bookings').hidden = false;
  } catch (err) {
    setStatus('me-status', errorText(err), 'error');
  }
}

async function load() {
  if (!requireSignIn()) return;
  if (!has('me')) { setStatus('me-status', t('feature.missing', { what: t('me.title') }), 'error'); return; }
  setStatus('me-status', t('common.loading'));
  try {
    const me = await api('GET', '/me');
    auth.setMe(me);
    setStatus('me-status', '');
    const u = me.user;
    $('#me-facts').replaceChildren(
      h('dt', null, t('auth.name')), h('dd', null, u.name),
      h('dt', null, t('auth.email')), h('dd', null, u.email),
      h('dt', null, t('auth.roles')), h('dd', null, (u.roles || []).map((r) => label('role.', r)).join('、') || '—'));
    $('#me-account').hidden = false;
    const list = me.profiles || [];
    $('#me-list').replaceChildren(...(list.length ? list.map((r) => h('li', { class: 'card' },
      h('div', { class: 'card-head' },
        h('span', { class: 'tag k-' + r.kind }, kindLabel(r.kind)),
        h('h3', null, h('a', { href: profileURL(r.kind, r.id) }, r.name || r.id))),
      h('p', { class: 'button-row' },
        h('a', { class: 'button small secondary', href: `/${plural(r.kind)}/${encodeURIComponent(r.id)}/edit`, 'aria-label': t('me.edit_named', { name: r.name }) }, t('me.edit')))))
      : [h('li', { class: 'muted' }, t('me.none'))]));
    $('#me-profiles').hidden = false;
    await loadBookings();
  } catch (err) {
    if (err.status === 401) { requireSignIn(); return; }
    setStatus('me-status', errorText(err), 'error');
  }
}

load();
