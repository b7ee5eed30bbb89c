// `npm run demo`: the replay server and its page. `--port 8080` or PORT=8080, `--speed 120`.
// A program people run: the console is how it tells them where to go.
import { startDemoServer } from './web/server.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

const wanted = Number(arg('port') ?? process.env.PORT ?? 4321);
const speed = Number(arg('speed') ?? 240);
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`--port / PORT: expected a port number, got ${arg('port') ?? process.env.PORT}`);
  process.exit(2);
}
if (!Number.isFinite(speed) || speed <= 0) {
  console.error(`--speed: expected a positive number, got ${arg('speed')}`);
  process.exit(2);
}

// The operator's token, on whichever port the demo ends up.
const token = process.env.SECOURS_ADMIN_TOKEN ? { token: process.env.SECOURS_ADMIN_TOKEN } : {};
console.log('secours demo: building the page with Vite…');
let demo: Awaited<ReturnType<typeof startDemoServer>>;
try {
  demo = await startDemoServer({ port: wanted, speed, ...token });
} catch (error) {
  if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
  console.log(`Port ${wanted} is busy: taking a free one instead (choose with --port or PORT).`);
  demo = await startDemoServer({ port: 0, speed, ...token });
}

console.log(`
  secours demo: 9 April 2018 and 15–16 September 2022, replayed ×${speed}

  ➜  Open ${demo.url}/            (add ?lang=en for English)

  Status feed   ${demo.url}/api/status   (JSON, or Accept: text/event-stream)
  Admin         curl -X POST ${demo.url}/api/admin/outages \\
                  -H 'authorization: Bearer ${demo.token}' -H 'content-type: application/json' \\
                  -d '{"id":"my-test","channels":["atm"],"reason":{"fr":"DAB en panne.","en":"ATMs are down."}}'
                curl -X DELETE ${demo.url}/api/admin/outages/my-test -H 'authorization: Bearer ${demo.token}'

  Ctrl+C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: stopping the demo server…`);
    demo.close().then(() => process.exit(0));
  });
}
