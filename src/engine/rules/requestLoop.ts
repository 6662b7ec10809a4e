/**
 * `request-loop`: a request made, on a chain of requests (chains/), on behalf of a request for the same name: a
 * module whose init asks for the name it was loaded for, a binary format whose modprobe cannot be executed without
 * that format. One finding per name, collected as the chains are followed and given at the end.
 */
import { modnameNormalize } from '../modules/names';
import type { RequestRecord } from '../report';
import { certainLocation, plural, RequestList, who, type RecordedFinding } from '../findings/findingText';

interface Loops {
  /** The first repeat, its ancestor, and how far apart they are: what the message describes. */
  ancestor: RequestRecord;
  repeat: RequestRecord;
  levels: number;
  /** Each ancestor (unless it was the last request added) and each repeat, in the order seen. */
  requests: RequestList;
  lastAdded: number;
  repeats: number;
}

export class RequestLoopRule {
  private readonly byName = new Map<string, Loops>();

  /** `repeat`, complete, was made on behalf of `ancestor`, a request for the same name `levels` above it. */
  add(ancestor: RequestRecord, repeat: RequestRecord, levels: number): void {
    let loops = this.byName.get(repeat.name);
    if (loops === undefined) {
      loops = {
        ancestor: { ...ancestor },
        repeat: { ...repeat },
        levels,
        requests: new RequestList(),
        lastAdded: -1,
        repeats: 0,
      };
      this.byName.set(repeat.name, loops);
    }
    if (loops.lastAdded !== ancestor.index) loops.requests.add(ancestor, null);
    loops.requests.add(repeat, null);
    loops.lastAdded = repeat.index;
    loops.repeats++;
  }

  findings(): RecordedFinding[] {
    return [...this.byName].map(([name, loops]) =>
      loops.requests.finding({
        rule: 'request-loop',
        severity: 'warning',
        message: message(name, loops),
        name,
        location: certainLocation(loops.repeat),
        evidence: {
          requestCount: loops.requests.count,
          repeats: loops.repeats,
          ancestor: loops.ancestor.index,
          firstRepeat: loops.repeat.index,
          levels: loops.levels,
        },
      }),
    );
  }
}

function message(name: string, { ancestor: a, repeat: r, levels, repeats }: Loops): string {
  const quoted = JSON.stringify(name);
  const again = repeats > 1 ? ` ${repeats} requests in all repeat a name above them on their chain.` : '';
  const init = r.initOf;
  if (init !== null && a.loadedModules.some((m) => modnameNormalize(m) === modnameNormalize(init))) {
    return (
      `${init}'s init requests ${quoted}, the name ${init} was loaded for (request #${a.index} by ${who(a)}): ` +
      `nothing can provide it until that init returns, and a modprobe that waits for ${init} waits for the ` +
      `request itself.${again}`
    );
  }
  if (name.startsWith('binfmt-')) {
    return (
      `Executing the modprobe the kernel started for ${quoted} (request #${a.index} by ${who(a)}) needs that binary ` +
      `format, so ${who(r)} requests ${quoted} again: each request starts a modprobe that cannot run, until all kmod ` +
      `slots are taken and requests fail.${again}`
    );
  }
  return (
    `${who(r)} requests ${quoted} on behalf of a request for the same name (#${a.index} by ${who(a)}, ` +
    `${plural(levels, 'level')} up its chain): the chain can recurse until all kmod slots are taken.${again}`
  );
}
