import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually, tempDir } from './fake-bundle.test-util';
import { readStackFile, type StackInfo } from './stack-file';

export const workspaceRoot = join(__dirname, '../../..');

/** The stack as `npm start` runs it, in a child process, and what it printed. */
export interface StackProcess {
  readonly child: ChildProcess;
  /** Where it writes its stack file (a temp folder). */
  readonly stackFile: string;
  /** The stack file it wrote once it was up. */
  readonly info: StackInfo;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs it if it still runs (a failed test) and removes the temp folder. */
  cleanup(): Promise<void>;
}

/**
 * Starts `tools/src/local-stack/main.ts` as `npm start` does (`PORT=0`, the stack file in a temp folder),
 * with `env` on top of this process's environment, and waits for its stack file and its banner.
 *
 * @example
 * const stack = await startStackProcess({ LOCAL_RDS_PROXY: 'off' });
 * await fetch(`${stack.info.apiUrl}/`);
 * stack.child.kill('SIGINT');
 * await stack.exit;
 */
export async function startStackProcess(env: Record<string, string> = {}): Promise<StackProcess> {
  const temp = tempDir('local-stack-e2e-');
  const stackFile = join(temp.path, 'stack.json');
  let output = '';
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'tools/src/local-stack/main.ts'], {
    cwd: workspaceRoot,
    env: { ...process.env, PORT: '0', LOCAL_STACK_FILE: stackFile, TSX_TSCONFIG_PATH: 'tools/tsconfig.json', LOG_LEVEL: 'INFO', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exited = false;
  void exit.then(() => (exited = true));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL'); // its database watchdog cleans up after it
      await exit;
    }
    temp.cleanup();
  };

  // Up once the stack file is written and the banner, printed right after it, is out.
  await eventually(() => exited || (readStackFile(stackFile) !== undefined && output.includes('local stack is running')));
  if (exited) {
    await cleanup();
    throw new Error(`The stack exited before it was up:\n${output}`);
  }
  return { child, stackFile, info: readStackFile(stackFile) as StackInfo, output: () => output, exit, cleanup };
}

/** Command lines of every process on the machine. */
export function processCommandLines(): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
}

/** The environments of the function's execution environments, read from `/proc/<pid>/environ` (Linux). */
export function functionEnvironments(info: StackInfo): Array<Record<string, string>> {
  const pids = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(info.bundleDir))
    .map((line) => Number.parseInt(line.trim(), 10));
  return pids.map((pid) =>
    Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    ),
  );
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
