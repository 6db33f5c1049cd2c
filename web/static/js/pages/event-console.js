// event-console.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('event_admin')) unavailable($('#app'), t('console.title'));
