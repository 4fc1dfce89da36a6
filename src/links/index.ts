import { DateTime } from 'luxon'

/**
 * Links that hand a hearing or a feed to calendar services. They are plain links a person follows;
 * nothing is loaded from those services by the pages themselves.
 */
export function googleEventUrl (event: { title: string, description: string, location: string | null, startsAt: Date, endsAt: Date, pageUrl: string }): string {
  const utc = (date: Date) => DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")
  const url = new URL('https://calendar.google.com/calendar/render')
  url.searchParams.set('action', 'TEMPLATE')
  url.searchParams.set('text', event.title)
  url.searchParams.set('dates', `${utc(event.startsAt)}/${utc(event.endsAt)}`)
  url.searchParams.set('details', `${event.description}\n\n${event.pageUrl}`.trim())
  if (event.location) url.searchParams.set('location', event.location)
  return url.toString()
}

export interface FeedLinks { ics: string, webcal: string, google: string, outlook: string }

/** The ways to subscribe to a feed at this https/http address. */
export function feedLinks (feedUrl: string, name: string): FeedLinks {
  const webcal = feedUrl.replace(/^https?:/, 'webcal:')
  const google = new URL('https://calendar.google.com/calendar/render')
  google.searchParams.set('cid', webcal)
  const outlook = new URL('https://outlook.live.com/calendar/0/addfromweb')
  outlook.searchParams.set('url', feedUrl)
  outlook.searchParams.set('name', name)
  return { ics: feedUrl, webcal, google: google.toString(), outlook: outlook.toString() }
}

/** The page of a hearing: what feeds, e-mails and dashboards link to. */
export function hearingPagePath (id: string): string {
  return `/hearings/${id}`
}

export function councilPagePath (code: string): string {
  return `/councils/${encodeURIComponent(code)}`
}

/** The invitation page a secret link opens (given out in e-mails, the API and the console). */
/** The page where a commitment's responsible person reports progress (the secret is the key). */
export function commitmentPath (secret: string): string {
  return `/commitments/${encodeURIComponent(secret)}`
}

export function invitationPath (secret: string): string {
  return `/invitations/${encodeURIComponent(secret)}`
}

/** A person's private feed. */
export function personFeedPath (secret: string): string {
  return `/feeds/people/${encodeURIComponent(secret)}.ics`
}

/** A council's public feed, by its id or code; with the hearings of the units below it when asked. */
export function councilFeedPath (key: string, descendants = false): string {
  return `/feeds/councils/${encodeURIComponent(key)}.ics${descendants ? '?descendants=true' : ''}`
}

/** One hearing's calendar file (an .ics with the one event). */
export function hearingCalendarPath (id: string, lang: string): string {
  return `/v1/hearings/${id}/calendar.ics?lang=${lang}`
}

const withLang = (path: string, lang?: string) => lang ? `${path}?lang=${lang}` : path

/** The secretariat's console: the councils it may open, a council's hearings, one hearing. */
export function consolePath (lang?: string): string {
  return withLang('/console', lang)
}

export function consoleCouncilPath (code: string, lang?: string): string {
  return withLang(`/console/councils/${encodeURIComponent(code)}`, lang)
}

export function consoleHearingPath (id: string, lang?: string): string {
  return withLang(`/console/hearings/${id}`, lang)
}

/** A record in the API, for Location headers. */
export function apiPath (...segments: string[]): string {
  return `/v1/${segments.map(encodeURIComponent).join('/')}`
}
