import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { MEMORY } from '../db/client.js'

/** The OpenAPI document as checked in: stable formatting, independent of the local configuration. */
export async function renderOpenApi (): Promise<string> {
  const app = await buildApp(loadConfig({ DATA_DIR: MEMORY, LOG_LEVEL: 'silent' }))
  try {
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}

export const openApiPath = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = await renderOpenApi()
  await mkdir(new URL('../../openapi/', import.meta.url), { recursive: true })
  await writeFile(openApiPath, document)
  console.log(`wrote ${openApiPath}`)
}
