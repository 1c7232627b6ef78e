import { createRandom, drugTest, inspection, seizure, type Checkpoint, type Person } from '../simulator/generate';

/**
 * Terminal traffic for a chaos run: the simulator's inspections with their follow-ups (drug tests after
 * suspicious ones, a few positive, seizures after some positives) plus planted watchlist sightings that
 * must each raise a hit. It behaves as a terminal with a flaky link does: an event whose answer was not
 * 202/200 (503, a refused or cut connection, a timeout) is sent again with the same eventId and body
 * until the gateway answers. Every eventId the gateway acknowledged is recorded for the accounting.
 */
export interface Officer {
  username: string;
  password: string;
  checkpointId: string;
  jurisdiction: string;
  token?: string;
}

export interface PlantedSighting {
  eventId: string;
  idNumber: string;
  checkpointId: string;
}

export interface LoadStats {
  /** Distinct events handed to the gateway (first attempts). */
  submitted: number;
  /** Distinct eventIds answered 202 accepted (or 200 duplicate after an attempt whose answer was lost). */
  acknowledged: number;
  acceptedAnswers: number;
  duplicateAnswers: number;
  retries: number;
  unavailableAnswers: number;
  networkErrors: number;
  rejected: number;
  conflicts: number;
  /** Events still without an answer when the drain deadline passed (not acknowledged, so not owed). */
  unresolved: number;
}

export interface Load {
  start(): void;
  /** Stops making new events and waits (up to `drainMs`) for every event in flight to be answered. */
  stop(drainMs: number): Promise<void>;
  /** Plants `n` watchlist sightings at once (each must raise a hit). */
  plantBurst(n: number): Promise<void>;
  acknowledged: Set<string>;
  planted: PlantedSighting[];
  stats: LoadStats;
  /** Time of the last 202 (for "gateway is taking events again"). */
  lastAcceptedAt(): number;
}

export interface LoadOptions {
  gatewayUrl: string;
  officers: Officer[];
  /** Vehicle checks per second (each may add a drug test and a seizure). */
  rate: number;
  /** One planted watchlist sighting every so many ms. */
  plantEveryMs: number;
  /** Watchlist persons planted one by one, each once. */
  plantKeys: string[];
  seed: number;
  maxInFlight: number;
  log: (m: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createLoad(o: LoadOptions): Load {
  const r = createRandom(o.seed);
  const acknowledged = new Set<string>();
  const planted: PlantedSighting[] = [];
  const stats: LoadStats = { submitted: 0, acknowledged: 0, acceptedAnswers: 0, duplicateAnswers: 0, retries: 0, unavailableAnswers: 0, networkErrors: 0, rejected: 0, conflicts: 0, unresolved: 0 };
  let running = false;
  let draining = false;
  let drainDeadline = Infinity;
  let inFlight = 0;
  let lastAccepted = 0;
  let nextPlant = 0;
  const work = new Set<Promise<void>>();

  const login = async (off: Officer): Promise<void> => {
    const res = await fetch(`${o.gatewayUrl}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: off.username, password: off.password }), signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`login ${off.username}: ${res.status}`);
    off.token = ((await res.json()) as { token: string }).token;
  };

  /** Sends one event until the gateway gives a definite answer; true when it acknowledged it. */
  const submit = async (off: Officer, event: { eventId: string }): Promise<boolean> => {
    stats.submitted++;
    inFlight++;
    const body = JSON.stringify(event);
    let backoff = 200;
    try {
      for (let attempt = 0; ; attempt++) {
        if (draining && Date.now() > drainDeadline) {
          stats.unresolved++;
          return false;
        }
        if (attempt > 0) {
          stats.retries++;
          await sleep(backoff + r.int(0, 100));
          backoff = Math.min(backoff * 2, 2000);
        }
        let status: number;
        try {
          if (!off.token) await login(off);
          const res = await fetch(`${o.gatewayUrl}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${off.token}` }, body, signal: AbortSignal.timeout(10_000) });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          stats.networkErrors++;
          continue;
        }
        if (status === 202 || status === 200) {
          if (status === 202) {
            stats.acceptedAnswers++;
            lastAccepted = Date.now();
          } else stats.duplicateAnswers++;
          if (!acknowledged.has(event.eventId)) {
            acknowledged.add(event.eventId);
            stats.acknowledged++;
          }
          return true;
        }
        if (status === 401) {
          off.token = undefined;
          continue;
        }
        if (status === 409) {
          stats.conflicts++;
          return false;
        }
        if (status === 429 || status >= 500) {
          if (status === 503) stats.unavailableAnswers++;
          continue;
        }
        stats.rejected++;
        if (stats.rejected <= 5) o.log(`load: event ${event.eventId} rejected with ${status}`);
        return false;
      }
    } finally {
      inFlight--;
    }
  };

  const cpOf = (off: Officer): Checkpoint => ({ checkpointId: off.checkpointId, jurisdiction: off.jurisdiction });

  const checkOneVehicle = async (off: Officer, opts: { driver?: Person } = {}): Promise<void> => {
    const at = new Date();
    const ins = inspection(r, cpOf(off), at, opts);
    if (!(await submit(off, ins))) return;
    if (ins.findings.suspicious && r.chance(0.9)) {
      const positive = r.chance(0.25);
      const test = drugTest(r, cpOf(off), new Date(at.getTime() + r.int(2, 20) * 60_000), ins.driver, ins.eventId, positive);
      if (!(await submit(off, test))) return;
      if (positive && r.chance(0.3)) await submit(off, seizure(r, cpOf(off), new Date(at.getTime() + 40 * 60_000), ins.eventId, ins.vehicle.plate, [ins.driver, ...ins.passengers]));
    }
  };

  const plantOne = async (): Promise<void> => {
    const key = o.plantKeys[nextPlant++];
    if (!key) return;
    const off = r.pick(o.officers);
    const ins = inspection(r, cpOf(off), new Date(), { driver: { idNumber: key, name: '王某' } });
    const ok = await submit(off, ins);
    if (ok) planted.push({ eventId: ins.eventId, idNumber: key, checkpointId: off.checkpointId });
  };

  const track = (p: Promise<void>) => {
    const q = p.catch((err: unknown) => o.log(`load: ${String(err)}`)).finally(() => work.delete(q));
    work.add(q);
  };

  const loop = async () => {
    const started = Date.now();
    let made = 0;
    let lastPlant = Date.now();
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * o.rate);
      // A terminal whose link is down queues; it does not open ever more connections.
      for (; made < due && inFlight < o.maxInFlight; made++) track(checkOneVehicle(r.pick(o.officers)));
      made = Math.max(made, due - o.rate); // do not make up more than a second of backlog at once
      if (Date.now() - lastPlant >= o.plantEveryMs) {
        lastPlant = Date.now();
        track(plantOne());
      }
      await sleep(50);
    }
  };

  return {
    acknowledged,
    planted,
    stats,
    lastAcceptedAt: () => lastAccepted,
    start() {
      if (running) return;
      running = true;
      // A login that fails here (a 5 s timeout on a busy machine) is retried by the officer's first submit: the load
      // must start regardless (a rejected Promise.all here once left a whole run without load).
      void Promise.allSettled(o.officers.map(login)).then((logins) => {
        const failed = logins.filter((l) => l.status === 'rejected').length;
        if (failed) o.log(`load: ${failed} of ${logins.length} officers could not log in yet; they retry on their first event`);
        return loop();
      });
    },
    async plantBurst(n) {
      await Promise.all(Array.from({ length: n }, () => plantOne()));
    },
    async stop(drainMs) {
      running = false;
      draining = true;
      drainDeadline = Date.now() + drainMs;
      while (work.size) await Promise.all([...work]);
    },
  };
}
