// profile.js: a profile page of any kind: GET /api/v1/{kind}/{id}, then the
// actions the viewer may take (edit, book, request an introduction, add to
// the pipeline) as far as the server offers them.
import { api, auth, h, has, t, $, params, pageKind, plural, errorText, toast, kindLabel, profileURL } from '../core.js';
import { profileView, fieldLabel } from '../render.js';
import { introForm } from '../intro.js';

const id = params.id;
const box = $('#profile');
const actions = $('#profile-actions');

function pipelineButton() {
  const btn = h('button', { type: 'button', class: 'secondary' }, t('pipeline.add'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      await api('PUT', '/pipeline/' + encodeURIComponent(id), { body: { stage: 'new', note: '' } });
      toast(t('pipeline.added'));
    } catch (err) {
      toast(errorText(err));
      btn.disabled = false;
    }
  });
  return btn;
}

// ID is the shape of a profile id (see id.go): 24 base32 characters.
const ID = /^[0-9a-hjkmnp-tv-z]{24}$/;

// portfolio shows an investor's portfolio entries that are startup ids as
// the startups' names, linked (GET /startups/{id}); one the viewer may not
// see reads "a startup not shown". Entries typed as text stay as they are.
async function portfolio(p) {
  const dd = [...box.querySelectorAll('dl.facts dt')].find((dt) => dt.textContent === fieldLabel('investor', 'portfolio'));
  const items = dd ? [...dd.nextElementSibling.querySelectorAll('li')] : [];
  await Promise.all(items.map(async (li) => {
    const v = li.textContent.trim();
    if (!ID.test(v)) return;
    li.textContent = '…';
    try {
      const s = await api('GET', '/startups/' + encodeURIComponent(v));
      li.replaceChildren(h('a', { href: profileURL('startup', v) }, s.name || v));
    } catch {
      li.replaceChildren(h('span', { class: 'muted' }, t('profile.portfolio_hidden')));
    }
  }));
}

function renderActions(p) {
  const user = auth.user;
  const items = [];
  if (user && (user.id === p.owner_id || auth.hasRole('admin'))) {
    items.push(h('a', { class: 'button', href: `/${plural(pageKind)}/${encodeURIComponent(id)}/edit` }, t('profile.edit')));
  }
  if (pageKind === 'equipment' && has('bookings')) {
    items.push(h('a', { class: 'button', href: `/equipment/${encodeURIComponent(id)}/calendar` }, t('profile.book')));
  }
  if (pageKind === 'startup' && user && auth.hasRole('investor') && has('pipeline')) items.push(pipelineButton());
  const blocks = [];
  if (items.length) blocks.push(h('div', { class: 'button-row' }, items));
  if ((pageKind === 'investor' || pageKind === 'mentor') && has('intros') && user && auth.hasRole('founder') && user.id !== p.owner_id) {
    const mine = auth.profiles.filter((r) => r.kind === 'startup');
    blocks.push(mine.length
      ? introForm({ startups: mine, toKind: pageKind, toID: id, toName: p.name })
      : h('p', { class: 'muted' }, t('intro.need_startup'), ' ', h('a', { href: '/startups/new' }, t('matches.create'))));
  }
  actions.replaceChildren(...blocks);
  actions.hidden = blocks.length === 0;
}

async function load() {
  if (!has('profiles')) {
    box.replaceChildren(h('p', { class: 'notice' }, t('feature.missing', { what: kindLabel(pageKind) })));
    box.removeAttribute('aria-busy');
    return;
  }
  try {
    const p = await api('GET', `/${plural(pageKind)}/${encodeURIComponent(id)}`);
    box.replaceChildren(...profileView(pageKind, p));
    document.title = p.name + ' · ' + document.title.split(' · ').pop();
    renderActions(p);
    if (pageKind === 'investor' && (p.portfolio || []).length) portfolio(p);
    document.addEventListener('ml:auth', () => renderActions(p));
    if (new URLSearchParams(location.search).has('created')) toast(t('edit.created'));
  } catch (err) {
    const msg = err.status === 404 ? t('profile.not_found', { kind: kindLabel(pageKind) }) : errorText(err);
    box.replaceChildren(h('h1', null, kindLabel(pageKind)), h('p', { class: 'notice' }, msg));
  } finally {
    box.removeAttribute('aria-busy');
  }
}

load();
