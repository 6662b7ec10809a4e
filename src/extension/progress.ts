/** Turns (done, total) callbacks from the engine into the increments a VS Code progress notification wants. */
import type * as vscode from 'vscode';

export function percentReporter(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  message: (done: number, total: number, percent: number) => string,
): (done: number, total: number) => void {
  let reported = 0;
  return (done, total) => {
    if (total <= 0) return;
    const percent = Math.floor((done / total) * 100);
    if (percent <= reported) return;
    progress.report({ increment: percent - reported, message: message(done, total, percent) });
    reported = percent;
  };
}
