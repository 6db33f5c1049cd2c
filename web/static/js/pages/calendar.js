// calendar.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('bookings')) unavailable($('#app'), t('calendar.title'));
