// signin.js: POST /api/v1/auth/login, then back to where the user came from.
import { api, auth, has, t, $, setStatus, errorText } from '../core.js';
import { reportError, clearErrors } from '../forms.js';

const form = $('#signin-form');
const next = new URLSearchParams(location.search).get('next') || '/me';
const safe = (n) => (n.startsWith('/') && !n.startsWith('//') && !n.includes('\\') ? n : '/me');

const toSignup = $('#to-signup');
if (toSignup && next !== '/me') toSignup.href = '/signup?next=' + encodeURIComponent(next);

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!has('auth')) { setStatus('form-status', t('feature.auth_missing'), 'error'); return; }
  clearErrors(form);
  const btn = $('button[type=submit]', form);
  btn.disabled = true;
  setStatus('form-status', t('common.working'));
  try {
    const res = await api('POST', '/auth/login', { body: { email: form.email.value.trim(), password: form.password.value } });
    auth.set(res.token, res.user);
    location.assign(safe(next));
  } catch (err) {
    btn.disabled = false;
    if (err.status === 401) setStatus('form-status', t('signin.bad'), 'error');
    else if (err.code === 'validation_failed') reportError(form, 'form-status', err);
    else setStatus('form-status', errorText(err), 'error');
  }
});
