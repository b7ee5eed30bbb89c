/**
 * What the status banner says, from the status feed's snapshot alone: which channels do not
 * work right now (and for which tasks), and, for every task that cannot be done the usual way,
 * where it still can. A pure function of the snapshot and the catalogue, so the page and its
 * tests read the same truth.
 */
import type { ChannelStatus, Snapshot } from '../../src/index.js';

interface CatalogShape {
  readonly channels: Readonly<Record<string, unknown>>;
  readonly operations: Readonly<Record<string, { readonly routes: readonly { readonly channel: string }[] }>>;
}

export interface NotWorking {
  readonly channel: string;
  /** The tasks whose route on this channel is down; empty when the whole channel is. */
  readonly operations: readonly string[];
}

export interface StillWorking {
  /** A task that cannot be done the usual way (its first route is down). */
  readonly operation: string;
  /** Where it still can, in the task's order. Empty: nowhere right now. */
  readonly channels: readonly string[];
}

export interface BannerModel {
  readonly notWorking: readonly NotWorking[];
  readonly stillWorking: readonly StillWorking[];
}

/** A channel down as a whole, not route by route. */
const WHOLE: ReadonlySet<ChannelStatus> = new Set(['major_outage', 'under_maintenance']);

/**
 * @param exclude channels the page leaves out (Wero did not exist in 2022): named nowhere.
 */
export function bannerModel(
  snapshot: Snapshot | undefined,
  catalog: CatalogShape,
  exclude: readonly string[] = [],
): BannerModel {
  if (!snapshot) return { notWorking: [], stillWorking: [] };
  const left = new Set(exclude);
  const channels = new Map(Object.entries(snapshot.channels as Record<string, { status: ChannelStatus }>));
  const operations = new Map(Object.entries(snapshot.operations as Record<string, { available: readonly string[] }>));
  const downFor = new Map<string, string[]>();
  const stillWorking: StillWorking[] = [];
  for (const [op, def] of Object.entries(catalog.operations)) {
    const available = new Set(operations.get(op)?.available ?? def.routes.map((r) => r.channel));
    const routes = def.routes.filter((r) => !left.has(r.channel));
    for (const { channel } of routes) {
      if (available.has(channel)) continue;
      const list = downFor.get(channel) ?? [];
      list.push(op);
      downFor.set(channel, list);
    }
    const first = routes[0];
    if (first && !available.has(first.channel)) {
      stillWorking.push({ operation: op, channels: routes.map((r) => r.channel).filter((ch) => available.has(ch)) });
    }
  }
  const notWorking: NotWorking[] = [];
  for (const id of Object.keys(catalog.channels)) {
    if (left.has(id)) continue;
    const status = channels.get(id)?.status ?? 'operational';
    const ops = downFor.get(id) ?? [];
    const routes = Object.values(catalog.operations).filter((o) => o.routes.some((r) => r.channel === id)).length;
    if (WHOLE.has(status) || (ops.length > 0 && ops.length === routes))
      notWorking.push({ channel: id, operations: [] });
    else if (ops.length > 0) notWorking.push({ channel: id, operations: ops });
    // Down in some places only (scoped breakers): not working there, whatever the task.
    else if (status !== 'operational') notWorking.push({ channel: id, operations: [] });
  }
  return { notWorking, stillWorking };
}
