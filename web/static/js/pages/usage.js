// usage.js: an instrument owner's monthly usage report: GET
// /api/v1/usage/monthly?from=YYYY-MM&to=YYYY-MM&by=institution|startup|equipment
// as a table with a total, and the same report as a CSV file
// (/usage/monthly.csv, fetched with the token, since a plain link has none).
// The API decides who may see it; others get a sentence saying so.
import { api, auth, h, has, t, $, requireSignIn, setStatus, errorText, fmtNumber, ApiError } from '../core.js';
import { syncLangLink } from '../layout.js';
import { parts, pad } from '../when.js';

const form = $('#usage-form');
const csv = $('#usage-csv');
const NUM = ['bookings', 'completed', 'no_shows', 'cancelled', 'assisted', 'booked_minutes', 'used_minutes', 'billed_minutes', 'cost_cny'];

const month = (ms) => { const p = parts(ms); return `${p.y}-${pad(p.m)}`; };
const cells = (r) => NUM.map((k) => h('td', { class: 'num' }, k.endsWith('_minutes') ? fmtNumber(Math.round(r[k] / 6) / 10) : fmtNumber(r[k])));
const query = () => new URLSearchParams({ from: form.from.value, to: form.to.value, by: form.by.value }).toString();

// refuse replaces the form and the table with a sentence saying why, as
// the other pages a role may not use do.
function refuse(msg) {
  form.hidden = true;
  $('#usage-table').hidden = true;
  setStatus('page-status', '');
  const note = $('#usage-notice');
  note.textContent = msg;
  note.hidden = false;
}

async function show() {
  if (form.to.value < form.from.value) { setStatus('page-status', t('usage.bad_range'), 'error'); return; }
  history.replaceState(null, '', '/usage?' + query());
  syncLangLink();
  setStatus('page-status', t('common.loading'));
  try {
    const res = await api('GET', '/usage/monthly?' + query());
    const rows = res.items || [];
    $('#usage-key').textContent = t('usage.col.' + res.by);
    $('#usage-rows').replaceChildren(...rows.map((r) => h('tr', null, h('td', null, r.month),
      h('th', { scope: 'row' }, r.name || (res.by === 'startup' && !r.key ? t('usage.no_startup') : r.key)), cells(r))));
    const sum = Object.fromEntries(NUM.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)]));
    $('#usage-total').replaceChildren(h('tr', null, h('th', { scope: 'row', colspan: 2 }, t('usage.total')), cells(sum)));
    $('#usage-table').hidden = !rows.length;
    csv.hidden = false;
    setStatus('page-status', rows.length ? '' : t('usage.none'));
  } catch (err) {
    if (err.status === 403) refuse(t('usage.forbidden'));
    else setStatus('page-status', errorText(err), 'error');
  }
}

// download saves the CSV report (with a byte order mark, for spreadsheets).
async function download(e) {
  e.preventDefault();
  try {
    const res = await fetch('/api/v1/usage/monthly.csv?bom=1&' + query(), { headers: { Authorization: 'Bearer ' + auth.token } });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    const a = h('a', { href: URL.createObjectURL(await res.blob()), download: `usage-${form.from.value}_${form.to.value}-${form.by.value}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

function init() {
  if (!requireSignIn() || !has('usage')) return;
  const q = new URLSearchParams(location.search);
  const now = Date.now();
  const p = parts(now);
  form.to.value = q.get('to') || month(now);
  form.from.value = q.get('from') || month(Date.UTC(p.y, p.m - 3, 15));
  form.by.value = ['institution', 'startup', 'equipment'].includes(q.get('by')) ? q.get('by') : 'institution';
  form.onsubmit = (e) => { e.preventDefault(); show(); };
  csv.onclick = download;
  show();
}

init();
