// event-audience.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('events')) unavailable($('#app'), t('audience.title'));
