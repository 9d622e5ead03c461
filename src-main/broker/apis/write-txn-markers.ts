import { defineApi } from './registry'
import { writeMarkersLocally, type TxnMarker } from '../coordinator/transaction-markers'

interface WriteTxnMarkersRequest {
  markers: TxnMarker[]
}

/** Markers a transaction coordinator (on this or another broker) asks this partition leader to write. */
export default defineApi({
  key: 27,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  async handle(req: WriteTxnMarkersRequest, ctx) {
    return { markers: await writeMarkersLocally(ctx.broker, req.markers, 5_000) }
  },
})
