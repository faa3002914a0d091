// Dates live in frame/dates/; this path stays for modules that import it from here (sql/literal-to-node.ts).
export * from '../dates/calendar.js';
export * from '../dates/date-text.js';
