// Reads an iCalendar file on stdin and prints, as JSON, each VEVENT's UID with its start and end as
// Unix seconds (or ISO dates for all-day events), as Mozilla's ical.js computes them from the file's
// own VTIMEZONE components. Usage: ICALJS_DIR=<folder holding node_modules/ical.js> node icaljs_instants.mjs
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ICAL = (await import(pathToFileURL(join(process.env.ICALJS_DIR, "node_modules/ical.js/dist/ical.js")))).default;
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(tz));
}
const out = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const when = (t) => (t.isDate ? t.toString() : t.toUnixTime());
  return { uid: event.uid, start: when(event.startDate), end: when(event.endDate), summary: event.summary,
           zone: event.startDate.zone ? event.startDate.zone.tzid : null };
});
process.stdout.write(JSON.stringify(out));
