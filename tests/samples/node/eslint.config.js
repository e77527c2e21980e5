'use strict';

// The sample's ESLint configuration (flat config): two core rules, so that the lint stage
// has something to report when the code has an unused or undefined name.
module.exports = [
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', describe: 'readonly', it: 'readonly' },
    },
    rules: { 'no-unused-vars': 'error', 'no-undef': 'error' },
  },
];
