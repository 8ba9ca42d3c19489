// Vitest 5 runs on Node ≥ 22 only: its main process (the reporter's failure summary, snapshot updates, watch
// mode) calls Map.groupBy, Object.groupBy and Promise.withResolvers, which Node 20 lacks — a failing test
// then crashed the reporter with "Map.groupBy is not a function" and hid which test failed. Loaded as the
// test run's global setup (vite.config.ts), in that main process; on Node ≥ 22 nothing changes.

function define(target, name, value) {
  if (typeof target[name] !== 'function') {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

define(Map, 'groupBy', function groupBy(items, keyOf) {
  const groups = new Map();
  let index = 0;
  for (const item of items) {
    const key = keyOf(item, index++);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
});

define(Object, 'groupBy', function groupBy(items, keyOf) {
  const groups = Object.create(null);
  let index = 0;
  for (const item of items) {
    const key = keyOf(item, index++);
    (groups[key] ??= []).push(item);
  }
  return groups;
});

define(Promise, 'withResolvers', function withResolvers() {
  let resolve;
  let reject;
  const promise = new this((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
});

export default function setup() {}
