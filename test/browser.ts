import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'

/** Debian's chromium (CI installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** For `t.test(name, { skip: noBrowser }, …)`: skipped visibly when there is no browser. */
export const noBrowser: string | false = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}: .ci/run installs Debian's chromium`

/**
 * Headless Chromium as the probe runs it here (no background networking: this machine's network is
 * closed). Without faketime: the suite may run under it to move the service's clock, but the browser
 * is a client whose own clock is not under test, and Chromium's scripts stall under a faked clock.
 */
export async function launchChromium (extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  const env = Object.fromEntries(Object.entries(process.env).filter(([key, value]) =>
    value !== undefined && key !== 'LD_PRELOAD' && !key.startsWith('FAKETIME'))) as Record<string, string>
  return chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs]
  })
}
