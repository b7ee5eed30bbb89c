// `npm run demo`: the 9 April 2018 counter outage, replayed through the La Poste preset.
import { runDemo } from './demo/replay-2018.js';

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
await runDemo({ color });
