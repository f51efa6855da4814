#!/usr/bin/env node
// Read an iCalendar feed the way real clients do, and print its occurrences as JSON.
//
//   node tests/js/expand.mjs --from 2027-01-01T00:00:00Z --to 2030-01-01T00:00:00Z [feed.ics]
//
// The feed comes from the file named, or from standard input. Two independent readers:
// - "icaljs": Mozilla's ical.js (Thunderbird's parser): the VTIMEZONEs registered with
//   TimezoneService, each master's RRULE iterated with its EXDATEs, RECURRENCE-ID overrides
//   related with relateException and applied by getOccurrenceDetails;
// - "nodeical": node-ical's parseICS, with the RRULE expanded by hand as its users do
//   (rrule.between, then the EXDATE and RECURRENCE-ID maps keyed by ISO instant).
// Each occurrence: {uid, start, end (UTC ISO 8601), title, status, recurrence_id}, in start order;
// occurrences starting in [from, to) only. "properties" lists every property name seen in
// the calendar and its events (to catch a property injected through text).
import {readFileSync} from 'node:fs';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';

function parseArgs(argv) {
  const out = {from: null, to: null, file: null};
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--from') {
      out.from = new Date(argv[++i]);
    } else if (argv[i] === '--to') {
      out.to = new Date(argv[++i]);
    } else {
      out.file = argv[i];
    }
  }
  if (!out.from || !out.to || Number.isNaN(out.from.getTime()) || Number.isNaN(out.to.getTime())) {
    throw new Error('usage: expand.mjs --from ISO --to ISO [file.ics]');
  }
  return out;
}

const iso = (date) => date.toISOString().replace('.000Z', 'Z');
// Masters are expanded over a wider span, so that an occurrence moved into the window from
// outside it is seen; every occurrence is then filtered on its real start.
const SLACK_MS = 400 * 24 * 3600 * 1000;

function icaljs(text, from, to) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const properties = new Set(calendar.getAllProperties().map((p) => p.name));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(zone);
  }
  const masters = new Map();
  const exceptions = [];
  for (const component of calendar.getAllSubcomponents('vevent')) {
    for (const property of component.getAllProperties()) {
      properties.add(property.name);
    }
    const uid = component.getFirstPropertyValue('uid');
    if (component.hasProperty('recurrence-id')) {
      exceptions.push(component);
    } else {
      masters.set(uid, new ICAL.Event(component));
    }
  }
  for (const component of exceptions) {
    const master = masters.get(component.getFirstPropertyValue('uid'));
    if (master) {
      master.relateException(component);
    }
  }
  const stop = ICAL.Time.fromJSDate(new Date(to.getTime() + SLACK_MS), true);
  const occurrences = [];
  const keep = (uid, details, recurrenceId) => {
    const start = details.startDate.toJSDate();
    if (start >= from && start < to) {
      occurrences.push({
        uid,
        start: iso(start),
        end: iso(details.endDate.toJSDate()),
        title: details.item.summary,
        status: details.item.component.getFirstPropertyValue('status') || null,
        recurrence_id: recurrenceId,
      });
    }
  };
  for (const [uid, event] of masters) {
    if (!event.isRecurring()) {
      keep(uid, {startDate: event.startDate, endDate: event.endDate, item: event}, null);
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(); next && next.compare(stop) < 0; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next);
      keep(uid, details, iso(details.recurrenceId.toJSDate()));
    }
  }
  return {occurrences: sortOccurrences(occurrences), properties: [...properties].sort()};
}

function nodeical(text, from, to) {
  const parsed = nodeIcal.sync.parseICS(text);
  const properties = new Set();
  const occurrences = [];
  const add = (uid, item, start, end, recurrenceId) => {
    if (start >= from && start < to) {
      occurrences.push({
        uid,
        start: iso(start),
        end: iso(end),
        title: typeof item.summary === 'object' ? item.summary.val : item.summary,
        status: item.status || null,
        recurrence_id: recurrenceId,
      });
    }
  };
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'vcalendar') {
      for (const name of Object.keys(value)) {
        properties.add(name.toUpperCase());
      }
    }
  }
  for (const event of Object.values(parsed)) {
    if (!event || event.type !== 'VEVENT') {
      continue;
    }
    for (const item of [event, ...new Set(Object.values(event.recurrences || {}))]) {
      for (const name of Object.keys(item)) {
        properties.add(name.toUpperCase());
      }
    }
    const duration = event.end.getTime() - event.start.getTime();
    if (!event.rrule) {
      add(event.uid, event, event.start, event.end, null);
      continue;
    }
    const dates = event.rrule.between(new Date(from.getTime() - SLACK_MS), new Date(to.getTime() + SLACK_MS), true);
    for (const date of dates) {
      const key = date.toISOString();
      if (event.exdate && Object.hasOwn(event.exdate, key)) {
        continue;
      }
      const override = event.recurrences && event.recurrences[key];
      if (override) {
        add(event.uid, override, override.start, override.end, iso(date));
      } else {
        add(event.uid, event, date, new Date(date.getTime() + duration), iso(date));
      }
    }
  }
  return {occurrences: sortOccurrences(occurrences), properties: [...properties].sort()};
}

function sortOccurrences(list) {
  return list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.uid < b.uid ? -1 : 1));
}

const args = parseArgs(process.argv.slice(2));
const text = readFileSync(args.file ?? 0, 'utf8');
process.stdout.write(JSON.stringify({
  icaljs: icaljs(text, args.from, args.to),
  nodeical: nodeical(text, args.from, args.to),
}));
