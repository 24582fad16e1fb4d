// `npm run demo` (through scripts/demo.sh): the whole product on the seeds' LVS-NAT pair. The lab
// needs IPVS; it runs in the user-mode Linux kernel of the kernel tests (test/kernel/uml.ts),
// whose guest streams the scenario (guest.ts) to this terminal as it happens.
//   --short (or KAD_DEMO_SHORT=1)  shorter pauses between the steps (CI)
//   --keep                         leave the lab up after the summary, until Ctrl-C
// Ctrl-C (or SIGTERM, SIGHUP) halts the guest and removes its scratch directory.
import { existsSync } from 'node:fs';
import { PROJECT_DIR, bundleGuest, ensureBuilt, guestNode, runInUml, umlUnavailableReason } from '../../test/kernel/uml.js';

function parseFlags(argv: readonly string[]): { short: boolean; keep: boolean } {
  const known = new Set(['--short', '--keep']);
  const bad = argv.filter((a) => !known.has(a));
  if (bad.length > 0) {
    console.error(`demo: unknown option ${bad.join(' ')} (options: --short, --keep; scripts/demo.sh takes --vrrp-only)`);
    process.exit(2);
  }
  return { short: argv.includes('--short') || process.env.KAD_DEMO_SHORT === '1', keep: argv.includes('--keep') };
}

const main = async (): Promise<void> => {
  const { short, keep } = parseFlags(process.argv.slice(2));
  const unavailable = umlUnavailableReason();
  if (unavailable) {
    console.error(`demo: cannot run the lab: ${unavailable}`);
    process.exit(1);
  }
  // Even where the host has IPVS the lab runs in the guest: a kernel of its own, which the lab
  // cannot leave in a bad state, and the one path the tests run. No modprobe on the host.
  console.log(existsSync('/proc/net/ip_vs')
    ? 'demo: the lab runs in a user-mode Linux kernel of its own (the host\'s IPVS stays untouched)'
    : 'demo: the host kernel has no IPVS: the lab runs in a user-mode Linux kernel (as the kernel tests do)');
  ensureBuilt();
  const js = await bundleGuest(`${PROJECT_DIR}/scripts/demo/guest.ts`);
  const abort = new AbortController();
  let scratch = '';
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!abort.signal.aborted) console.error(`\ndemo: ${sig}: halting the lab`);
      abort.abort();
    });
  }
  const args = [PROJECT_DIR, '$KAD_SCRATCH', ...(short ? ['--short'] : []), ...(keep ? ['--keep'] : []), ...(process.stdout.isTTY ? ['--color'] : [])];
  const r = await runInUml(guestNode('demo.mjs', args), {
    files: { 'demo.mjs': js },
    memMb: 1024,
    timeoutMs: keep ? Infinity : 600_000,
    signal: abort.signal,
    onScratch: (dir) => (scratch = dir),
    onOutput: (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
  });
  if (abort.signal.aborted) {
    console.error(`demo: guest halted, ${scratch} removed`);
    process.exit(130);
  }
  if (r.code !== 0) {
    console.error(`demo: the lab failed (exit ${r.code}); guest console:\n${r.console.slice(-3000)}`);
    process.exit(r.code > 0 ? r.code : 1);
  }
};
main().catch((e: unknown) => {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
