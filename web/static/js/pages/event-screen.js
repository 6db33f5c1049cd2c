// event-screen.js: the big screen of a pitch event: the pitch on stage, a
// large server-synced timer, the live leaderboard and the join link.
import { has, t, $, params, h } from '../core.js';
import { follow, currentPitch, remaining, clockText, phaseText, boardTable, boardTitle, tick } from '../eventlive.js';

const id = params.id;
let view = null;

function showTimer() {
  const p = view && !view.results_published_at && currentPitch(view);
  const sec = p && (p.state === 'pitching' || p.state === 'qa') ? remaining(p) : null;
  const el = $('#timer');
  el.textContent = clockText(sec);
  el.classList.toggle('over', sec !== null && sec < 0);
  el.classList.toggle('low', sec !== null && sec >= 0 && sec < 60);
}

function showState(v) {
  view = v;
  const p = v.results_published_at ? null : currentPitch(v);
  $('#event-name').textContent = v.name;
  $('#current').textContent = v.results_published_at ? t('audience.final') : p ? p.startup_name : t('screen.no_pitch');
  $('#phase').textContent = p ? phaseText(p) + (p.voting_open ? ' · ' + t('screen.voting_open') : '') : '';
  document.title = v.name + ' · ' + t('screen.title');
  showTimer();
}

function showStatus(s) {
  const el = $('#conn');
  el.textContent = s === 'live' ? '' : t('live.' + s);
  el.classList.toggle('down', s === 'reconnecting');
  $('#screen').classList.toggle('stale', s === 'reconnecting');
}

if (has('events')) {
  const link = location.origin + '/e/' + encodeURIComponent(id);
  // The join link as text and as a QR code the audience scans from their seats.
  $('#join').replaceChildren(
    h('img', { class: 'join-qr', src: '/qr.svg?text=' + encodeURIComponent(link), alt: t('screen.qr_alt', { link }), width: 160, height: 160 }),
    h('span', null, t('screen.join'), ' ', h('strong', null, link.replace(/^https?:\/\//, ''))));
  follow(id, {
    onState: showState,
    onBoard: (lb) => { $('#board-h').textContent = boardTitle(lb); $('#board').replaceChildren(boardTable(lb, { limit: 10 })); },
    onStatus: showStatus,
    onError: () => showStatus('reconnecting'),
  });
  tick(showTimer);
}
