// signup.js: POST /api/v1/auth/register with the chosen roles.
import { api, auth, has, t, $, $$, setStatus } from '../core.js';
import { reportError, clearErrors } from '../forms.js';

const form = $('#signup-form');
const next = new URLSearchParams(location.search).get('next') || '/me';
const safe = (n) => (n.startsWith('/') && !n.startsWith('//') && !n.includes('\\') ? n : '/me');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!has('auth')) { setStatus('form-status', t('feature.auth_missing'), 'error'); return; }
  clearErrors(form);
  const btn = $('button[type=submit]', form);
  btn.disabled = true;
  setStatus('form-status', t('common.working'));
  const body = {
    name: form.elements.name.value.trim(),
    email: form.email.value.trim(),
    password: form.password.value,
    roles: $$('input[name="roles"]', form).filter((b) => b.checked).map((b) => b.value),
  };
  try {
    const res = await api('POST', '/auth/register', { body });
    auth.set(res.token, res.user);
    location.assign(safe(next));
  } catch (err) {
    btn.disabled = false;
    reportError(form, 'form-status', err);
  }
});
