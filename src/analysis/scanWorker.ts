/**
 * Entry of a scan worker thread (bundled to dist/scanWorker.js): loads a parser, then runs batches on request and
 * answers, from the names of the files it read in the first pass, which of them a later pass must read; or (the
 * editor's analyser) analyses the text of edited files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  analyseText,
  type BatchResult,
  type PassSets,
  type PreparedPass,
  preparePass,
  runBatch,
  type TextAnalysis,
} from './batch';
import { NameStore } from './nameIndex';
import { getParser, type ParserBackend } from './parser';

export interface WorkerInit {
  root: string;
  backend: ParserBackend | 'auto';
  maxFileBytes: number;
}

export type ToWorker =
  | { type: 'pass'; pass: PassSets }
  | { type: 'batch'; id: number; files: string[] }
  | { type: 'select'; id: number; calls: string[]; defines: string[] }
  | { type: 'analyse'; id: number; file: string; text: string; pass: PassSets };
export type FromWorker =
  | { type: 'ready'; backend: ParserBackend }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; result: BatchResult }
  | { type: 'selected'; id: number; files: string[] }
  | { type: 'analysed'; id: number; result: TextAnalysis };

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
  const store = new NameStore();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'pass') pass = preparePass(m.pass);
    else if (m.type === 'select')
      port.postMessage({ type: 'selected', id: m.id, files: store.holding(m.calls, m.defines) } satisfies FromWorker);
    else if (m.type === 'analyse')
      void analyseText(parser, m.file, m.text, m.pass).then((result) =>
        port.postMessage({ type: 'analysed', id: m.id, result } satisfies FromWorker),
      );
    else if (pass)
      void runBatch(parser, init.root, m.files, pass, init.maxFileBytes, store).then((result) =>
        port.postMessage({ type: 'done', id: m.id, result } satisfies FromWorker),
      );
  });
  port.postMessage({ type: 'ready', backend: parser.backend } satisfies FromWorker);
}

void main();
