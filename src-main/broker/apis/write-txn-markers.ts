import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { writeMarkersLocally } from '../coordinator/transaction-markers'

/** Markers a transaction coordinator (on this or another broker) asks this partition leader to write. */
export default defineApi(ApiKey.WriteTxnMarkers, {
  async handle(req, ctx) {
    return { markers: await writeMarkersLocally(ctx.broker, req.markers, 5_000) }
  },
})
