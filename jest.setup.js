// jsdom lacks structuredClone (Node and browsers have it); vega-embed uses it to copy specs.
if (typeof globalThis.structuredClone !== 'function') {
  const v8 = require('v8');
  globalThis.structuredClone = value => v8.deserialize(v8.serialize(value));
}
