/** Turns the engine's and the analysis layer's progress callbacks into the increments a VS Code progress wants. */
import type * as vscode from 'vscode';

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** A message that only counts on is shown at most this often; a new step of the task is shown at once. */
const MESSAGE_INTERVAL_MS = 100;

/**
 * Reports `fraction` (0 to 1, of the whole task) with a message: the bar moves by whole percents and never back; the
 * message is updated with the bar, when `step` is set (the task moved to a new step), or after MESSAGE_INTERVAL_MS.
 */
export function fractionReporter(progress: Progress): (fraction: number, message: string, step?: boolean) => void {
  let reported = 0;
  let said = '';
  let at = 0;
  return (fraction, message, step = false) => {
    const percent = Math.min(100, Math.floor(fraction * 100));
    const increment = Math.max(0, percent - reported);
    const now = Date.now();
    if (increment === 0 && (message === said || (!step && now - at < MESSAGE_INTERVAL_MS))) return;
    progress.report({ increment, message });
    reported += increment;
    said = message;
    at = now;
  };
}

/** (done, total) callbacks, reported as whole percents. */
export function percentReporter(
  progress: Progress,
  message: (done: number, total: number, percent: number) => string,
): (done: number, total: number) => void {
  const report = fractionReporter(progress);
  let percent = -1;
  return (done, total) => {
    if (total <= 0) return;
    const now = Math.floor((done / total) * 100);
    if (now <= percent) return;
    percent = now;
    report(done / total, message(done, total, now));
  };
}
