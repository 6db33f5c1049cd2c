// matches.js: a founder's matches (investors, mentors, instruments) for one
// of their startups: GET /api/v1/startups/{id}/matches?kind=...
import { api, h, has, t, $, $$, requireSignIn, myProfiles, setStatus, errorText, plural, fmtMoney, cityLabel } from '../core.js';
import { matchCard } from '../match.js';
import { introForm } from '../intro.js';
import { syncLangLink } from '../layout.js';

const KINDS = ['investor', 'mentor', 'equipment'];
const url = new URL(location.href);
let kind = KINDS.includes(url.searchParams.get('kind')) ? url.searchParams.get('kind') : 'investor';
let startups = [];
let startupID = '';

function remember() {
  const u = new URL(location.href);
  u.searchParams.set('kind', kind);
  if (startupID) u.searchParams.set('startup', startupID);
  history.replaceState(null, '', u.pathname + u.search);
  syncLangLink();
}

// equipmentMeta adds an instrument's institution, city and price per hour
// under its name (GET /equipment/{id}): several instruments share a name.
async function equipmentMeta(item, card) {
  try {
    const eq = await api('GET', `/equipment/${encodeURIComponent(item.id)}`);
    const price = eq.price_per_hour_cny ? t('calendar.price', { price: fmtMoney(eq.price_per_hour_cny) }) : t('calendar.free_of_charge');
    const where = [eq.institution, eq.city ? cityLabel(eq.city) : ''].filter(Boolean).join(' · ');
    card.querySelector('.card-head').after(h('p', { class: 'meta eq-meta' }, where ? where + ' · ' : '', price));
  } catch { /* the card keeps its name only */ }
}

function extra(item, card, actions) {
  if (item.kind === 'equipment') {
    actions.append(h('a', { class: 'button small', href: `/equipment/${encodeURIComponent(item.id)}/calendar` }, t('matches.book')));
    equipmentMeta(item, card);
    return;
  }
  if (!has('intros')) return;
  const btn = h('button', { type: 'button', class: 'small', 'aria-expanded': 'false' }, t('matches.request'));
  btn.addEventListener('click', () => {
    const open = card.querySelector('.intro-form');
    if (open) { open.remove(); btn.setAttribute('aria-expanded', 'false'); return; }
    const mine = startups.filter((s) => s.id === startupID);
    const form = introForm({ startups: mine, toKind: item.kind, toID: item.id, toName: item.name || '' });
    card.append(form);
    btn.setAttribute('aria-expanded', 'true');
    form.querySelector('textarea').focus();
  });
  actions.append(btn);
}

async function load() {
  const list = $('#match-list');
  for (const b of $$('#kind-tabs button')) b.setAttribute('aria-pressed', String(b.dataset.kind === kind));
  remember();
  setStatus('page-status', t('common.loading'));
  list.replaceChildren();
  try {
    const res = await api('GET', `/startups/${encodeURIComponent(startupID)}/matches?kind=${kind}&limit=20`);
    const items = res.items || [];
    list.replaceChildren(...items.map((it) => matchCard(it, { kind: 'startup', id: startupID }, extra)));
    setStatus('page-status', items.length ? t('matches.count', { n: items.length, kind: t('kind.' + kind + '.plural') }) : t('matches.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

async function init() {
  if (!requireSignIn() || !has('matches')) return;
  startups = await myProfiles('startup');
  if (!startups.length) {
    $('#match-list').replaceChildren(h('li', { class: 'card' }, t('matches.need_startup'), ' ',
      h('a', { href: `/${plural('startup')}/new` }, t('matches.create'))));
    return;
  }
  const want = url.searchParams.get('startup');
  startupID = startups.some((s) => s.id === want) ? want : startups[0].id;
  const sel = $('#m-startup');
  sel.replaceChildren(...startups.map((s) => h('option', { value: s.id, selected: s.id === startupID }, s.name)));
  $('#startup-field').hidden = startups.length < 2;
  sel.addEventListener('change', () => { startupID = sel.value; load(); });
  for (const b of $$('#kind-tabs button')) b.addEventListener('click', () => { kind = b.dataset.kind; load(); });
  load();
}

init();
