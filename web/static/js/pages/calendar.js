// calendar.js: an instrument's week: opening hours, taken slots (GET
// /api/v1/equipment/{id}/bookings?from=&to=), and booking a free slot
// (POST /api/v1/equipment/{id}/bookings; 409 slot_taken when someone was faster).
import { api, apiAll, auth, h, t, $, params, requireSignIn, setStatus, errorText, fmtMoney, fmtDateTime, profileURL, label, toast } from '../core.js';
import { reportError, clearErrors } from '../forms.js';
import { DAY, parts, mondayOf, iso, clock, dayLabel, durationText } from '../when.js';

const id = params.id;
const STEP = 30;
let eq = null;
let week = mondayOf(Date.now());
let bookings = [];

const windowsOf = (dow) => (eq.open_hours || []).filter((w) => Number(w.day) === dow)
  .map((w) => ({ from: toMin(w.from), to: toMin(w.to) }));
const toMin = (s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const isOpen = (dow, start, end) => windowsOf(dow).some((w) => w.from <= start && end <= w.to);
const nextDay = (dow) => (dow % 7) + 1;

/**
 * reach returns where opening w of day dow really ends, in minutes from that
 * day's 00:00: an opening that runs to midnight goes on into the next day's
 * opening from 00:00 (a night session), and so on.
 */
function reach(dow, w) {
  let end = w.to;
  for (let d = nextDay(dow), k = 1; end === 1440 * k && k < 7; d = nextDay(d), k++) {
    const cont = windowsOf(d).find((x) => x.from === 0);
    if (!cont) break;
    end = 1440 * k + cont.to;
  }
  return end;
}

/** reachAt returns where the opening around minute m of day dow ends (m when closed). */
function reachAt(dow, m) {
  const w = windowsOf(dow).find((x) => x.from <= m && m < x.to);
  return w ? reach(dow, w) : m;
}
const earliest = () => Date.now() + (eq.lead_minutes || 0) * 60e3;

/** taken returns the booking over [a, b), if any. */
function taken(a, b) {
  return bookings.find((bk) => bk.status !== 'rejected' && bk.status !== 'cancelled' && new Date(bk.start).getTime() < b && a < new Date(bk.end).getTime());
}

function renderWeek() {
  const all = (eq.open_hours || []).map((w) => [toMin(w.from), toMin(w.to)]);
  const grid = $('#week');
  $('#week-label').textContent = t('calendar.week_of', { day: dayLabel(week) });
  if (!all.length) {
    grid.replaceChildren(h('p', { class: 'muted' }, t('calendar.no_hours')));
    return;
  }
  const lo = Math.floor(Math.min(...all.map((x) => x[0])) / STEP) * STEP;
  const hi = Math.ceil(Math.max(...all.map((x) => x[1])) / STEP) * STEP;
  const cells = [h('div', { class: 'dayh' }, '')];
  for (let i = 0; i < 7; i++) cells.push(h('div', { class: 'dayh' }, dayLabel(week + i * DAY)));
  for (let m = lo; m < hi; m += STEP) {
    cells.push(h('div', { class: 'hour' }, m % 60 === 0 ? clock(m) : ''));
    for (let i = 0; i < 7; i++) {
      const dayStart = week + i * DAY;
      const a = dayStart + m * 60e3;
      const b = a + STEP * 60e3;
      const what = `${dayLabel(dayStart)} ${clock(m)}`;
      const bk = taken(a, b);
      if (bk) {
        const st = bk.status === 'pending' ? 'pending' : 'busy';
        cells.push(h('div', { class: 'slot ' + st, title: `${what} ${t('calendar.' + st)}` }, m === Math.floor(parts(new Date(bk.start).getTime()).min / STEP) * STEP ? t('calendar.' + st) : ''));
      } else if (!isOpen(i + 1, m, m + STEP) || a < earliest()) {
        cells.push(h('div', { class: 'slot closed', 'aria-hidden': 'true' }));
      } else {
        cells.push(h('button', { type: 'button', class: 'slot free', 'aria-label': `${what} ${t('calendar.free')}`, onclick: () => pick(i, m) }, ''));
      }
    }
  }
  grid.replaceChildren(...cells);
}

function fillDates() {
  const sel = $('#b-date');
  const keep = sel.value;
  sel.replaceChildren(...Array.from({ length: 7 }, (_, i) => h('option', { value: String(i), selected: String(i) === keep }, dayLabel(week + i * DAY))));
  fillStarts();
}

function fillStarts(want) {
  const i = Number($('#b-date').value || 0);
  const sel = $('#b-start');
  const keep = want !== undefined ? want : Number(sel.value);
  const opts = [];
  for (const w of windowsOf(i + 1)) {
    const end = reach(i + 1, w);
    for (let m = Math.ceil(w.from / STEP) * STEP; m < w.to && m + (eq.min_minutes || STEP) <= end; m += STEP) {
      const a = week + i * DAY + m * 60e3;
      if (a >= earliest()) opts.push(m);
    }
  }
  sel.replaceChildren(...(opts.length ? opts.map((m) => h('option', { value: String(m), selected: m === keep }, clock(m)))
    : [h('option', { value: '' }, t('calendar.no_slots'))]));
  fillDurations();
}

/** fillDurations offers the durations that fit the chosen start's opening (across midnight too). */
function fillDurations() {
  const sel = $('#b-duration');
  const keep = Number(sel.value);
  const min = eq.min_minutes || STEP;
  let max = eq.max_minutes || 8 * 60;
  const start = $('#b-start').value;
  if (start !== '') {
    const m = Number(start);
    max = Math.min(max, reachAt(Number($('#b-date').value || 0) + 1, m) - m);
  }
  const opts = [];
  for (let d = min; d <= max; d += d < STEP ? min : STEP) opts.push(d);
  sel.replaceChildren(...opts.map((d) => h('option', { value: String(d), selected: d === keep }, durationText(d))));
}

function pick(i, m) {
  $('#b-date').value = String(i);
  fillStarts(m);
  $('#b-start').value = String(m);
  fillDurations();
  $('#b-duration').focus();
}

async function loadBookings() {
  try {
    bookings = await apiAll(`/equipment/${encodeURIComponent(id)}/bookings?from=${encodeURIComponent(iso(week))}&to=${encodeURIComponent(iso(week + 7 * DAY))}`);
  } catch (err) {
    bookings = [];
    setStatus('page-status', errorText(err), 'error');
  }
  renderWeek();
  renderMine();
}

/** renderMine lists the user's own bookings of the week, which they may cancel. */
function renderMine() {
  const me = auth.user;
  const mine = me ? bookings.filter((b) => b.user_id === me.id) : [];
  $('#mine-box').hidden = mine.length === 0;
  $('#mine').replaceChildren(...mine.map((b) => {
    const li = h('li', { class: 'card' },
      h('div', { class: 'card-head' }, h('span', { class: 'tag status-' + (b.status === 'confirmed' ? 'accepted' : b.status === 'pending' ? 'pending' : 'declined') }, label('booking.status.', b.status)),
        h('strong', null, fmtDateTime(b.start), ' – ', fmtDateTime(b.end))),
      b.purpose ? h('p', { class: 'pre' }, b.purpose) : null);
    if (b.status === 'pending' || b.status === 'confirmed') {
      const btn = h('button', { type: 'button', class: 'small secondary' }, t('calendar.cancel'));
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          await api('POST', `/bookings/${encodeURIComponent(b.id)}/cancel`);
          toast(t('calendar.cancelled'));
          await loadBookings();
        } catch (err) {
          toast(errorText(err));
          btn.disabled = false;
        }
      });
      li.append(h('div', { class: 'button-row' }, btn));
    }
    return li;
  }));
}

async function submit(e) {
  e.preventDefault();
  if (!requireSignIn()) return;
  const form = $('#book-form');
  clearErrors(form);
  const i = Number($('#b-date').value);
  const m = Number($('#b-start').value);
  const d = Number($('#b-duration').value);
  if ($('#b-start').value === '') { setStatus('book-status', t('calendar.no_slots'), 'error'); return; }
  const start = week + i * DAY + m * 60e3;
  const body = { start: iso(start), end: iso(start + d * 60e3), purpose: $('#b-purpose').value.trim(), assisted: $('#b-assisted').checked };
  const btn = $('#book-submit');
  btn.disabled = true;
  setStatus('book-status', t('common.working'));
  try {
    const res = await api('POST', `/equipment/${encodeURIComponent(id)}/bookings`, { body });
    // An untrained booker's request waits for the owner (the API says untrained: true).
    const key = !res || res.status !== 'pending' ? 'calendar.booked' : res.untrained && !body.assisted ? 'calendar.booked_untrained' : 'calendar.booked_pending';
    setStatus('book-status', t(key, { when: `${dayLabel(week + i * DAY)} ${clock(m)}` }), 'ok');
    $('#b-purpose').value = '';
    await loadBookings();
  } catch (err) {
    if (err.code === 'slot_taken') {
      setStatus('book-status', t('error.slot_taken'), 'error');
      await loadBookings();
    } else {
      reportError(form, 'book-status', err);
    }
  } finally {
    btn.disabled = false;
  }
}

async function init() {
  try {
    eq = await api('GET', `/equipment/${encodeURIComponent(id)}`);
  } catch (err) {
    setStatus('page-status', err.status === 404 ? t('profile.not_found', { kind: t('kind.equipment') }) : errorText(err), 'error');
    $('#book-form').hidden = true;
    return;
  }
  $('#cal-h').replaceChildren(t('calendar.heading'), h('a', { href: profileURL('equipment', id) }, eq.name));
  $('#cal-info').textContent = [eq.institution, eq.price_per_hour_cny ? t('calendar.price', { price: fmtMoney(eq.price_per_hour_cny) }) : t('calendar.free_of_charge'),
    eq.requires_approval ? t('bool.equipment.requires_approval.true') : t('bool.equipment.requires_approval.false')].filter(Boolean).join(' · ');
  $('#book-note').textContent = auth.signedIn() ? '' : t('calendar.signin_note');
  $('#prev-week').addEventListener('click', () => { week -= 7 * DAY; fillDates(); loadBookings(); });
  $('#next-week').addEventListener('click', () => { week += 7 * DAY; fillDates(); loadBookings(); });
  $('#b-date').addEventListener('change', () => fillStarts());
  $('#b-start').addEventListener('change', () => fillDurations());
  $('#book-form').addEventListener('submit', submit);
  fillDates();
  await loadBookings();
}

if (document.getElementById('week')) init();
