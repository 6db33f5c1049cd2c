// profile.js: a profile page of any kind: GET /api/v1/{kind}/{id}, then the
// actions the viewer may take (edit, book, request an introduction, add to
// the pipeline) as far as the server offers them.
import { api, auth, h, has, t, $, params, pageKind, plural, errorText, toast, setStatus, kindLabel } from '../core.js';
import { profileView } from '../render.js';

const id = params.id;
const box = $('#profile');
const actions = $('#profile-actions');

function introForm(p) {
  const mine = auth.profiles.filter((r) => r.kind === 'startup');
  if (!mine.length) return h('p', { class: 'muted' }, t('intro.need_startup'));
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'intro-form', novalidate: true },
    h('h2', null, t('intro.heading', { name: p.name })),
    h('div', { class: 'field' },
      h('label', { for: 'intro-startup' }, t('intro.from')),
      h('select', { id: 'intro-startup', name: 'startup_id' }, mine.map((r) => h('option', { value: r.id }, r.name)))),
    h('div', { class: 'field' },
      h('label', { for: 'intro-message' }, t('intro.message')),
      h('textarea', { id: 'intro-message', name: 'message', rows: 4, maxlength: 2000 })),
    status,
    h('button', { type: 'submit' }, t('intro.send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const btn = $('button[type=submit]', form);
    btn.disabled = true;
    try {
      await api('POST', '/intros', { body: { startup_id: form.startup_id.value, to_kind: pageKind, to_id: id, message: form.message.value.trim() } });
      setStatus(status, t('intro.sent'), 'ok');
    } catch (err) {
      setStatus(status, errorText(err), 'error');
      btn.disabled = false;
    }
  });
  return form;
}

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
    blocks.push(introForm(p));
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
