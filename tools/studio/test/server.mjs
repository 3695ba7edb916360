// Starts `caresim studio --port 0` for a test and returns its address and a stop function.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SKIP = 77;

export function paths() {
  const [binary, source, build] = process.argv.slice(2);
  if (!binary || !source || !build) {
    console.error('usage: node <test>.mjs <caresim binary> <source dir> <build dir>');
    process.exit(2);
  }
  if (!existsSync(`${build}/studio/index.html`)) {
    console.log(`SKIP: the studio page is not built (${build}/studio/index.html)`);
    process.exit(SKIP);
  }
  return { binary, source, build };
}

export async function startStudio({ binary, source, build }, extra = []) {
  const child = spawn(binary, ['studio', '--port', '0', '--scenarios', `${source}/scenarios`,
    '--assets', `${build}/studio`, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`studio did not start: ${text}`)), 15000);
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = text.match(/http:\/\/[\d.]+:\d+\//);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    child.on('exit', (code) => reject(new Error(`studio exited with ${code}: ${text}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  };
  return { url, stop, child };
}

let failures = 0;
export function check(condition, message) {
  if (condition) {
    console.log(`ok   ${message}`);
  } else {
    failures++;
    console.log(`FAIL ${message}`);
  }
}
export const failed = () => failures;
