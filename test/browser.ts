import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import type { Test } from 'tap'

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

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Runs axe-core in the page (a context with bypassCSP: it injects a script): no serious or critical violation. */
export async function accessible (t: Test, page: Page, name: string) {
  await page.addScriptTag({ path: AXE })
  // A string, evaluated in the page (this file is compiled without the DOM's types).
  const violations = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))`) as string[]
  t.same(violations, [], `${name}: axe finds no serious or critical violation`)
}
