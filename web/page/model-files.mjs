// model-files.mjs — the model as a file: download it (safetensors with the optimizer state, the
// vocabulary and the settings), load one back (a bad file is refused and the current model kept).
// The trainer client keeps the last saved or loaded file as its crash checkpoint (and makes one every
// 20 s while training); the worker reads and writes the bytes; this module moves them between the
// trainer and the user.
import { formatBytes } from '../corpus-check.mjs';
import { $ } from './dom.mjs';
import { loadModelBytes, pauseTraining } from './training.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/** "Download model": save in the worker, hand the bytes to the browser. @param {AppState} app */
export async function downloadModel(app) {
  const status = $('file-status');
  try {
    const { bytes, step } = await app.trainer.save();
    const blob = new Blob([bytes], { type: 'application/octet-stream' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `lmlab-${app.settings.model}-h${app.settings.hidden}-step${step}.safetensors`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    status.textContent = `Saved the model at step ${step} (${formatBytes(bytes.byteLength)}, optimizer state included).`;
  } catch (err) {
    status.textContent = `Could not save: ${err.message}`;
  }
}

/** "Load model…": training pauses, the file replaces the model or is refused. @param {AppState} app */
export async function loadModelFile(app) {
  const input = $('load', HTMLInputElement);
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  await pauseTraining(app);
  const status = $('file-status');
  const before = app.trainer.model; // replaced only once the worker has accepted the file
  try {
    const info = await loadModelBytes(app, await file.arrayBuffer(), file.name);
    status.classList.remove('error-text');
    status.textContent = `Loaded ${file.name}: ${info.kind.toUpperCase()}, ${info.parameterCount.toLocaleString()} parameters, step ${info.step}.${info.note ? ` (${info.note})` : ''}`;
  } catch (err) {
    // Say what is true: the worker refused the file (the model is as it was), or it took the file and a
    // later step failed (the loaded model is in place).
    const kept = app.trainer.model === before ? 'The current model is unchanged.' : `${file.name} is loaded.`;
    status.textContent = `${err.message.replace(/\.?\s*$/, '.')} ${kept}`;
    status.classList.add('error-text');
  }
}
