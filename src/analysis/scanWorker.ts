/** Entry of a scan worker thread (bundled to dist/scanWorker.js): loads a parser, then runs batches on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { type BatchResult, type PassSets, type PreparedPass, preparePass, runBatch } from './batch';
import { getParser, type ParserBackend } from './parser';

export interface WorkerInit {
  root: string;
  backend: ParserBackend | 'auto';
  maxFileBytes: number;
}

export type ToWorker = { type: 'pass'; pass: PassSets } | { type: 'batch'; id: number; files: string[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; result: BatchResult };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  const loaded = await getParser(init.backend);
  if (!loaded.ok) {
    port.postMessage({ type: 'failed', message: loaded.error.message } satisfies FromWorker);
    return;
  }
  const parser = loaded.value;
  let pass: PreparedPass | null = null;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'pass') pass = preparePass(m.pass);
    else if (pass) {
      const result = runBatch(parser, init.root, m.files, pass, init.maxFileBytes);
      port.postMessage({ type: 'done', id: m.id, result } satisfies FromWorker, [result.names.buffer as ArrayBuffer]);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

void main();
