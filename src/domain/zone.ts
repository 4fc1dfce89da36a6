import { DateTime, FixedOffsetZone, IANAZone } from 'luxon'

/** A quarter hour: a bucket whose two ends share an offset has it throughout (zones do not change twice in 15 minutes). */
const BUCKET_MS = 15 * 60_000
const offsets = new Map<string, Map<number, number>>()

/**
 * The date in the zone, as luxon's DateTime. Luxon asks Intl for an IANA zone's offset on every call,
 * which dominated listing hearings (12% of a list request's CPU); the offset is looked up once per
 * zone and quarter hour here and the date put in a fixed-offset zone, which formats the same.
 */
export function inZone (date: Date, zone: string): DateTime {
  const bucket = Math.floor(date.getTime() / BUCKET_MS)
  let byBucket = offsets.get(zone)
  if (!byBucket) {
    // Luxon's own check builds an Intl.DateTimeFormat each time: asked once per zone here.
    if (!IANAZone.isValidZone(zone)) return DateTime.fromJSDate(date, { zone })
    offsets.set(zone, byBucket = new Map())
  }
  let offset = byBucket.get(bucket)
  if (offset === undefined) {
    const iana = IANAZone.create(zone)
    offset = iana.offset(bucket * BUCKET_MS)
    // A transition within the bucket (odd historical offsets): that bucket is never kept.
    if (offset !== iana.offset((bucket + 1) * BUCKET_MS - 1)) return DateTime.fromJSDate(date, { zone })
    if (byBucket.size > 100_000) byBucket.clear()
    byBucket.set(bucket, offset)
  }
  // Offset 0 as a fixed zone is luxon's UTC, which writes "Z" where the zone writes "+00:00".
  return offset === 0 ? DateTime.fromJSDate(date, { zone }) : DateTime.fromJSDate(date, { zone: FixedOffsetZone.instance(offset) })
}
