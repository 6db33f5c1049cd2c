// edit.js: create (POST /api/v1/{kind}) or edit (PATCH with If-Match) a
// profile. Validation errors (422) appear next to their fields; a stale
// version (412) offers to reload or to save over the newer version.
import { api, auth, has, t, $, params, pageKind, plural, schemas, requireSignIn, setStatus, errorText, kindLabel } from '../core.js';
import { setupForm, fill, collect, reportError, clearErrors } from '../forms.js';

const form = $('#profile-form');
const schema = schemas[pageKind] || [];
const id = params.id || '';
const DEFAULTS = {
  startup: { visibility: 'public' },
  investor: { accepting: true },
  mentor: { capacity: 3 },
  equipment: { min_minutes: 30, max_minutes: 480, open_hours: [] },
  space: {},
};
let version = 0;

const path = () => `/${plural(pageKind)}/${encodeURIComponent(id)}`;

async function load() {
  const res = await api('GET', path());
  const p = res;
  const u = auth.user;
  if (u && p.owner_id !== u.id && !auth.hasRole('admin')) {
    setStatus('edit-status', t('edit.not_owner'), 'error');
    form.hidden = true;
    return null;
  }
  version = p.version;
  return p;
}

async function save(body) {
  if (!id) return api('POST', `/${plural(pageKind)}`, { body });
  return api('PATCH', path(), { body, headers: { 'If-Match': `"${version}"` } });
}

async function submit(e) {
  if (e) e.preventDefault();
  const btn = $('#save');
  btn.disabled = true;
  setStatus('edit-status', t('common.working'));
  try {
    const p = await save(collect(form, schema));
    clearErrors(form);
    $('#conflict').hidden = true;
    if (!id) {
      location.assign(`/${plural(pageKind)}/${encodeURIComponent(p.id)}?created=1`);
      return;
    }
    version = p.version;
    setStatus('edit-status', t('edit.saved'), 'ok');
  } catch (err) {
    if (err.status === 412 || err.code === 'version_mismatch') {
      setStatus('edit-status', '');
      $('#conflict').hidden = false;
      $('#conflict-reload').focus();
    } else if (err.status === 401) {
      requireSignIn();
    } else {
      reportError(form, 'edit-status', err, schema);
    }
  } finally {
    btn.disabled = false;
  }
}

async function init() {
  if (!requireSignIn()) return;
  setupForm(form);
  if (!has('profile_write')) { form.querySelector('#save').disabled = true; return; }
  if (!id) {
    fill(form, schema, DEFAULTS[pageKind] || {});
  } else {
    try {
      const p = await load();
      if (!p) return;
      fill(form, schema, p);
      $('#edit-h').textContent = t('edit.edit_named', { kind: kindLabel(pageKind), name: p.name });
    } catch (err) {
      setStatus('edit-status', err.status === 404 ? t('profile.not_found', { kind: kindLabel(pageKind) }) : errorText(err), 'error');
      form.hidden = true;
      return;
    }
  }
  form.addEventListener('submit', submit);
  $('#conflict-reload').addEventListener('click', async () => {
    try {
      fill(form, schema, await load());
      clearErrors(form);
      $('#conflict').hidden = true;
      setStatus('edit-status', t('edit.reloaded'), 'ok');
    } catch (err) {
      setStatus('edit-status', errorText(err), 'error');
    }
  });
  $('#conflict-overwrite').addEventListener('click', async () => {
    try {
      const p = await api('GET', path());
      version = p.version;
      await submit();
    } catch (err) {
      setStatus('edit-status', errorText(err), 'error');
    }
  });
}

init();
