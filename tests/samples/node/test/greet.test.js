'use strict';

const assert = require('node:assert');
const { greet } = require('..');

describe('greet', () => {
  it('greets by name', () => {
    assert.strictEqual(greet('Ada'), 'Hello, Ada!');
  });
});
