// approvals.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('approvals')) unavailable($('#app'), t('approvals.title'));
