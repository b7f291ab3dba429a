// _out-file.mjs — how the CLI writes the files it must not lose or spoil (model files, checkpoints,
// JSON reports). Before any work: the output is not one of the inputs (same path or inode), an existing
// file is overwritten only when it is a model file (or the caller's kind says so), and its folder
// exists and takes a new file (a real probe, so permissions, read-only mounts and full quotas show up
// now, not after an hour of training). Saving: a temporary file in the same folder, written, fsynced,
// renamed over the target, then the folder fsynced; on any failure the temporary file is removed.
// Temporary files left by a killed process (SIGKILL, power loss) are removed by the next run's check.
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './_args.mjs';

/** The signals that end training with a save: Ctrl-C, a scheduler's or `timeout`'s TERM, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The exit code of a run ended by `signal` (128 + its number, as a shell reports it). @param {string} signal */
export const signalExitCode = (signal) => 128 + osConstants.signals[signal];

/** The temporary name of a save of `path` by process `pid`: hidden, beside the target, one per process. */
const temporaryName = (path, pid = process.pid) => join(dirname(path), `.${basename(path)}.${pid}.tmp`);
const TEMPORARY = /^\.(.+)\.(\d+)\.tmp$/;

/** Does `path` start like a safetensors file (8-byte header length that fits, then a JSON object)? */
export function looksLikeModelFile(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(9);
    if (readSync(fd, head, 0, 9, 0) < 9) return false;
    const n = head.readBigUInt64LE(0);
    return n >= 2n && n <= BigInt(statSync(path).size - 8) && head[8] === 0x7b; // '{'
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const statOrNull = (path) => {
  try {
    return statSync(path);
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  }
};

/**
 * Check an output path before any work. Throws a UsageError naming `flag` and the path.
 * @param {string} path
 * @param {{ flag?: string, inputs?: Array<[string, string | undefined]>, kind?: 'model' | 'any' }} [options]
 *   inputs: [flag, path] pairs the output must not be; kind 'model': only a model file is overwritten.
 */
export function checkOutPath(path, { flag = '--out', inputs = [], kind = 'model' } = {}) {
  if (!path) throw new UsageError(`${flag} needs a file name`);
  const target = statOrNull(path);
  for (const [inputFlag, input] of inputs) {
    if (!input) continue;
    const source = statOrNull(input);
    const same =
      resolve(input) === resolve(path) || (source && target && source.dev === target.dev && source.ino === target.ino);
    if (same)
      throw new UsageError(
        `${flag} ${path} is the same file as ${inputFlag} ${input}: it would be overwritten; choose another ${flag}`,
      );
  }
  if (target?.isDirectory())
    throw new UsageError(`${flag} ${path} is a folder: name a file inside it, e.g. ${join(path, 'model.safetensors')}`);
  if (target && !target.isFile()) throw new UsageError(`${flag} ${path} exists and is not a regular file`);
  if (target && kind === 'model' && !looksLikeModelFile(path)) {
    throw new UsageError(
      `${flag} ${path} exists and is not a model file: lmlab overwrites only model files; choose another name or remove it first`,
    );
  }
  const folder = dirname(resolve(path));
  const dir = statOrNull(folder);
  if (!dir) throw new UsageError(`${flag} ${path}: the folder ${dirname(path)} does not exist`);
  if (!dir.isDirectory()) throw new UsageError(`${flag} ${path}: ${dirname(path)} is not a folder`);
  removeStaleTemporaries(path);
  const probe = temporaryName(path);
  try {
    closeSync(openSync(probe, 'wx', 0o644));
    unlinkSync(probe);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write in the folder ${dirname(path)} (${err.code ?? err.message})`);
  }
}

/** Remove the temporary files of earlier saves of `path` whose process is gone. */
function removeStaleTemporaries(path) {
  const folder = dirname(resolve(path));
  let names;
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m || m[1] !== basename(path)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      unlinkSync(join(folder, name));
    } catch {
      // another run removed it first
    }
  }
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Replace `path` with `bytes` atomically: whoever reads `path` sees the old file or the new one, never
 * half of one, also across a crash (fsync before the rename, and of the folder after it). Synchronous,
 * so a signal handled by the event loop never interrupts it. On failure the temporary file is removed
 * and the error says which file could not be written.
 * @param {string} path @param {Uint8Array | string} bytes
 */
export function saveAtomic(path, bytes) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const temporary = temporaryName(path);
  let fd;
  try {
    fd = openSync(temporary, 'w', 0o644);
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already renamed
    }
    throw new Error(`could not save ${path}: ${err.code ?? err.message}`);
  }
  syncFolder(dirname(resolve(path)));
}

/** fsync a folder so a rename in it survives a crash (Linux; a no-op where folders cannot be opened). */
function syncFolder(folder) {
  let fd;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // not supported on this platform: the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
