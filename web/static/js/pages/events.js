// events.js: the list of pitch events (GET /api/v1/events), with links to
// each event's pages for the audience, judges and its organizer.
import { api, auth, h, has, t, $, setStatus, errorText, fmtDateTime } from '../core.js';

function card(e) {
  const enc = encodeURIComponent(e.id);
  const mine = auth.user && (e.organizer_id === auth.user.id || auth.hasRole('admin'));
  return h('li', { class: 'card' },
    h('h2', { class: 'card-title' }, h('a', { href: `/events/${enc}` }, e.name)),
    h('p', { class: 'muted' }, fmtDateTime(e.starts_at), ' · ', e.preset === '8+7' ? t('eventnew.preset87') : t('events.durations', { p: Math.round(e.pitch_seconds / 60), q: Math.round(e.qa_seconds / 60) })),
    h('p', { class: 'button-row' },
      h('a', { class: 'button small secondary', href: `/events/${enc}` }, t('events.audience')),
      auth.signedIn() ? h('a', { class: 'button small secondary', href: `/events/${enc}/judge` }, t('events.judge')) : null,
      h('a', { class: 'button small secondary', href: `/events/${enc}/screen` }, t('events.screen')),
      mine ? h('a', { class: 'button small', href: `/events/${enc}/console` }, t('events.console')) : null));
}

async function load() {
  $('#new-event').hidden = !(has('event_admin') && (auth.hasRole('organizer') || auth.hasRole('admin')));
  setStatus('page-status', t('common.loading'));
  try {
    const res = await api('GET', '/events?limit=50');
    const items = res.items || [];
    $('#event-list').replaceChildren(...items.map(card));
    setStatus('page-status', items.length ? '' : t('events.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

if (has('events')) {
  load();
  document.addEventListener('ml:auth', () => { $('#new-event').hidden = !(has('event_admin') && (auth.hasRole('organizer') || auth.hasRole('admin'))); });
}
