#!/usr/bin/env node
// Read VTIMEZONEs with Mozilla's ical.js and say where a local time lands elsewhere than expected.
//
//   node tests/js/zones.mjs < zones.json
//
// Input: [{tzid, vtimezone (the VTIMEZONE text), samples: [[unix seconds, local ISO wall-clock time]]}].
// Output: JSON list of [tzid, local time, expected ISO instant, ical.js's ISO instant], empty when all agree.
import {readFileSync} from 'node:fs';
import ICAL from 'ical.js';

const zones = JSON.parse(readFileSync(0, 'utf8'));
const wrong = [];
for (const zone of zones) {
  const text = `BEGIN:VCALENDAR\r\n${zone.vtimezone}\r\nEND:VCALENDAR\r\n`;
  const timezone = new ICAL.Timezone(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vtimezone'));
  for (const [seconds, local] of zone.samples) {
    const time = ICAL.Time.fromDateTimeString(local);
    time.zone = timezone;
    if (time.toUnixTime() !== seconds) {
      wrong.push([zone.tzid, local, new Date(seconds * 1000).toISOString(),
        new Date(time.toUnixTime() * 1000).toISOString()]);
    }
  }
}
process.stdout.write(JSON.stringify(wrong));
