import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Principal } from '../domain/access.js'
import type { OfficeHours } from '../domain/calendar.js'
import { CHANGES_CHANNEL, type Change, type WriteContext } from '../services/write.js'

type ChangeListener = (changes: Change[]) => void

/** Where committed changes are announced in this process: its own writes at once, other replicas' through LISTEN. */
export class Changes {
  private readonly listeners = new Set<ChangeListener>()

  on (listener: ChangeListener): void {
    this.listeners.add(listener)
  }

  announce (changes: Change[]): void {
    for (const listener of this.listeners) listener(changes)
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    changes: Changes
    /** The context a service writes in, for this request: the app's clock, the caller, the request id. */
    writeContext(request: FastifyRequest, principal: Principal): WriteContext & { principal: Principal, officeHours: OfficeHours }
  }
}

/** A NOTIFY's payload, as services/write.ts sends it; anything else still counts as "something changed". */
function parseChanges (payload: string): Change[] {
  try {
    const parsed = JSON.parse(payload) as Change[]
    if (Array.isArray(parsed)) return parsed
  } catch { /* an older replica's payload (the entity's name): a change all the same */ }
  return [{ entity: payload, entityId: '', action: 'unknown', councilId: null }]
}

export default fp(async (app) => {
  const changes = new Changes()
  app.decorate('changes', changes)
  const announce = (list: Change[]) => changes.announce(list)
  app.decorate('writeContext', (request: FastifyRequest, principal: Principal) => ({
    db: app.db, principal, now: app.now(), requestId: request.id, officeHours: app.officeHours, quietHours: app.quietHours, announce, idempotency: request.idempotency
  }))
  // This process's own NOTIFYs come back too; hearing a change twice only costs a revalidation.
  // When a lost LISTEN connection comes back, what was announced meanwhile is unknown: treat it as
  // a change of everything, so caches ask the database again at once.
  let listening = false
  const unlisten = await app.database.listen(CHANGES_CHANNEL, (payload) => changes.announce(parseChanges(payload)), () => {
    if (listening) {
      app.log.warn('the change notifications connection came back; caches revalidate')
      changes.announce([{ entity: '*', entityId: '', action: 'reconnect', councilId: null }])
    }
    listening = true
  })
  app.addHook('onClose', async () => {
    try { await unlisten() } catch { /* the connection is already closed: nothing to stop */ }
  })
}, { name: 'changes', dependencies: ['database'] })
