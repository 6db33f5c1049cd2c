// notifications.js: the inbox: GET /api/v1/notifications, newest first;
// POST /api/v1/notifications/{id}/read marks one read.
import { api, auth, h, has, t, lang, $, requireSignIn, setStatus, errorText, fmtDateTime } from '../core.js';
import { refreshBadge } from '../layout.js';
import { sharedLive } from '../live.js';

let cursor = '';

/** target links a notification to the page it is about. */
function target(n) {
  const d = n.data || {};
  if (d.event_id) return '/events/' + encodeURIComponent(d.event_id);
  if (d.intro_id) return '/intros';
  if (d.booking_id && n.type && n.type.includes('request')) return '/approvals';
  if (d.equipment_id) return `/equipment/${encodeURIComponent(d.equipment_id)}/calendar`;
  if (d.startup_id) return '/startups/' + encodeURIComponent(d.startup_id);
  return '';
}

function item(n) {
  const title = (n.title && (lang === 'en' ? n.title.en || n.title.zh : n.title.zh || n.title.en)) || n.type;
  const href = target(n);
  const unread = !n.read_at;
  const li = h('li', { class: 'card' + (unread ? ' unread' : '') },
    h('div', { class: 'card-head' },
      unread ? h('span', { class: 'tag' }, t('notifications.unread')) : null,
      h('h3', null, href ? h('a', { href }, title) : title)),
    h('p', { class: 'muted small' }, fmtDateTime(n.created_at)));
  if (unread) {
    const btn = h('button', { type: 'button', class: 'small secondary' }, t('notifications.mark_read'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api('POST', `/notifications/${encodeURIComponent(n.id)}/read`);
        li.replaceWith(item({ ...n, read_at: new Date().toISOString() }));
        refreshBadge();
      } catch (err) {
        setStatus('page-status', errorText(err), 'error');
        btn.disabled = false;
      }
    });
    li.append(h('div', { class: 'button-row' }, btn));
  }
  return li;
}

async function load(more) {
  setStatus('page-status', t('common.loading'));
  try {
    const res = await api('GET', '/notifications?limit=30' + (more && cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    const items = (res.items || []).map(item);
    if (more) $('#notif-list').append(...items); else $('#notif-list').replaceChildren(...items);
    cursor = res.next_cursor || '';
    $('#more').hidden = !cursor;
    setStatus('page-status', $('#notif-list').children.length ? '' : t('notifications.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

if (requireSignIn() && has('notifications')) {
  $('#more').addEventListener('click', () => load(true));
  load(false);
  const u = auth.user;
  if (u && has('ws')) sharedLive().subscribe('user:' + u.id, { onMessage: () => load(false) });
}
