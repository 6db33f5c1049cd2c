// notifications.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('notifications')) unavailable($('#app'), t('notifications.title'));
