// Running a command with loopback as the only network: as root, in a fresh network namespace
// (`unshare -n`) with `lo` up, so ICE can only pair 127.0.0.1 with 127.0.0.1 and nothing can
// leave the machine. Where that is not possible, the command runs as it is, and says so.
import { spawnSync } from 'node:child_process';

const ENV_MARK = 'CONSULTKIT_NETNS';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** True when this process already runs inside the namespace made by `runIsolated`. */
export const isolated = () => process.env[ENV_MARK] === '1';

/**
 * Re-runs this script (`process.argv`) inside a loopback-only network namespace and exits with its
 * status; returns without doing anything when already inside, or when that cannot be done
 * (not root, or `unshare`/`ip` missing), after printing why.
 */
export function reexecIsolated(label) {
  if (isolated()) {
    console.log(`${label}: in a loopback-only network namespace.`);
    return;
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const why = !root
    ? 'not root'
    : !has('unshare')
      ? '`unshare` missing (util-linux)'
      : !has('ip')
        ? '`ip` missing (iproute2)'
        : process.env.CONSULTKIT_NO_NETNS
          ? 'CONSULTKIT_NO_NETNS is set'
          : spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status !== 0
            ? '`unshare -n` is not permitted here'
            : null;
  if (why) {
    console.log(`${label}: running without a loopback-only network namespace (${why}).`);
    return;
  }
  const quoted = process.argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], {
    stdio: 'inherit',
    env: { ...process.env, [ENV_MARK]: '1' },
  });
  if (result.error) {
    console.log(`${label}: could not enter a network namespace (${result.error.message}); running as it is.`);
    return;
  }
  process.exit(result.status ?? 1);
}
