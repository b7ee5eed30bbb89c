import type { ScenarioInput } from '../scenario.js';
import { counters20180409 } from './counters-2018-04-09.js';
import { ddos202512 } from './ddos-2025-12.js';
import { laposteFr20240206 } from './laposte-fr-2024-02-06.js';
import { lowTraffic } from './low-traffic.js';
import { transfers20220915 } from './transfers-2022-09-15.js';

/** The real incidents of La Poste and La Banque Postale, and a low-traffic case, replayable by name. */
export const scenarios: Readonly<Record<string, ScenarioInput>> = Object.freeze({
  'counters-2018-04-09': counters20180409,
  'transfers-2022-09-15': transfers20220915,
  'ddos-2025-12': ddos202512,
  'laposte-fr-2024-02-06': laposteFr20240206,
  'low-traffic': lowTraffic,
});
