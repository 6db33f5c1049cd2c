// intros.js: introduction requests: GET /api/v1/intros?box=in|out; the
// receiver accepts or declines; contact details show once accepted.
import { api, h, has, t, tOr, $, $$, requireSignIn, setStatus, errorText, fmtDateTime, kindLabel, profileURL, label } from '../core.js';
import { syncLangLink } from '../layout.js';

const url = new URL(location.href);
let box = url.searchParams.get('box') === 'out' ? 'out' : 'in';
// Without ?box=, the page opens on the tab that has requests: the outgoing
// one for a founder who has only asked.
let pick = !url.searchParams.has('box');

const nameOf = (obj, fallback) => (obj && (obj.name || obj.title)) || fallback || '';

function contact(c) {
  if (!c || typeof c !== 'object') return null;
  const rows = Object.entries(c).filter(([, v]) => v !== '' && v !== null && typeof v !== 'object');
  if (!rows.length) return null;
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', null, tOr('intros.contact.' + k, k)), h('dd', null, String(v))]));
}

function card(it) {
  const startupName = it.startup_name || nameOf(it.startup, it.startup_id);
  const toName = it.to_name || nameOf(it.to, it.to_id);
  const status = it.status || 'pending';
  const statusEl = h('span', { class: 'tag status-' + status }, label('intros.status.', status));
  const actions = h('div', { class: 'button-row' });
  const li = h('li', { class: 'card intro', 'data-id': it.id },
    h('div', { class: 'card-head' }, statusEl,
      h('h3', null, h('a', { href: profileURL('startup', it.startup_id) }, startupName), ' → ',
        h('a', { href: profileURL(it.to_kind, it.to_id) }, toName), ' ', h('span', { class: 'muted small' }, kindLabel(it.to_kind)))),
    it.message ? h('p', { class: 'pre' }, it.message) : null,
    it.created_at ? h('p', { class: 'muted small' }, fmtDateTime(it.created_at)) : null,
    status === 'accepted' ? contact(it.contact || it.contacts) : null,
    actions);
  if (box === 'in' && status === 'pending') {
    const act = async (what) => {
      for (const b of actions.querySelectorAll('button')) b.disabled = true;
      try {
        const res = await api('POST', `/intros/${encodeURIComponent(it.id)}/${what}`);
        li.replaceWith(card({ ...it, ...(res || {}), status: (res && res.status) || (what === 'accept' ? 'accepted' : 'declined') }));
        setStatus('page-status', t(what === 'accept' ? 'intros.accepted_msg' : 'intros.declined_msg'), 'ok');
      } catch (err) {
        setStatus('page-status', errorText(err), 'error');
        for (const b of actions.querySelectorAll('button')) b.disabled = false;
      }
    };
    actions.append(
      h('button', { type: 'button', class: 'small', onclick: () => act('accept') }, t('intros.accept')),
      h('button', { type: 'button', class: 'small secondary', onclick: () => act('decline') }, t('intros.decline')));
  }
  return li;
}

// showBox marks the current tab and keeps it in the address.
function showBox() {
  for (const b of $$('#box-tabs button')) b.setAttribute('aria-pressed', String(b.dataset.box === box));
  const u = new URL(location.href);
  u.searchParams.set('box', box);
  history.replaceState(null, '', u.pathname + u.search);
  syncLangLink();
}

async function load() {
  showBox();
  setStatus('page-status', t('common.loading'));
  try {
    let res = await api('GET', `/intros?box=${box}&limit=50`);
    if (pick && box === 'in' && !(res.items || []).length) {
      const out = await api('GET', '/intros?box=out&limit=50');
      if ((out.items || []).length) {
        box = 'out';
        res = out;
        showBox();
      }
    }
    pick = false;
    const items = res.items || [];
    $('#intro-list').replaceChildren(...items.map(card));
    setStatus('page-status', items.length ? '' : t(box === 'in' ? 'intros.none_in' : 'intros.none_out'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

if (requireSignIn() && has('intros')) {
  for (const b of $$('#box-tabs button')) b.addEventListener('click', () => { box = b.dataset.box; load(); });
  load();
}
