// Reads iCalendar text on stdin and prints, as JSON, each VEVENT's UID with its start and end as
// Unix seconds (or ISO dates for all-day events), as Mozilla's ical.js computes them from the file's
// own VTIMEZONE components, and the CN of each ATTENDEE (RFC 6868 decoded). Stdin may also be a JSON array of iCalendar texts: the answer is then an
// array with one such list per text, each read with only its own VTIMEZONEs registered.
// Usage: ICALJS_DIR=<folder holding node_modules/ical.js> node icaljs_instants.mjs
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ICAL = (await import(pathToFileURL(join(process.env.ICALJS_DIR, "node_modules/ical.js/dist/ical.js")))).default;

function instants(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const tz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  }
  return root.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const when = (t) => (t.isDate ? t.toString() : t.toUnixTime());
    return { uid: event.uid, start: when(event.startDate), end: when(event.endDate), summary: event.summary,
             zone: event.startDate.zone ? event.startDate.zone.tzid : null,
             attendees: component.getAllProperties("attendee").map((p) => p.getParameter("cn")) };
  });
}

const input = readFileSync(0, "utf8");
const out = input.trimStart().startsWith("[") ? JSON.parse(input).map(instants) : instants(input);
process.stdout.write(JSON.stringify(out));
