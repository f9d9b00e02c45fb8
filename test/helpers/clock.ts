// Clocks for a gateway (startTestGateway's `now`), set to a chosen instant (running or frozen) so
// quota windows (the calendar minute, the UTC day) do not depend on when the suite runs. Instants
// are ahead of real time, so counters' Redis expiries (PEXPIREAT) are in the future too.
const DAY = 86_400_000

export interface TestClock {
  (): number
  /** Moves the clock forward by `ms` (it keeps running from there). */
  advance(ms: number): void
}

export function clockFrom (startMs: number): TestClock {
  let offset = startMs - Date.now()
  const clock = (() => Date.now() + offset) as TestClock
  clock.advance = (ms: number) => { offset += ms }
  return clock
}

/** Stands still at `atMs` until advanced: for boundaries a loaded machine must not drift across. */
export function frozenClock (atMs: number): TestClock {
  let at = atMs
  const clock = (() => at) as TestClock
  clock.advance = (ms: number) => { at += ms }
  return clock
}

/** The next UTC midnight that is still ahead of real time. */
export function nextMidnightUtc (): number {
  const now = Date.now()
  return now - (now % DAY) + DAY
}

/** Starts at the coming 12:00:00.000 UTC: half a day from either day boundary, a whole minute from the next minute. */
export function middayClock (): TestClock {
  const midday = nextMidnightUtc() - DAY / 2
  return clockFrom(midday > Date.now() ? midday : midday + DAY)
}
