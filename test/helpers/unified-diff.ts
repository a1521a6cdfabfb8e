import { createTwoFilesPatch } from 'diff';
import { expect } from 'vitest';

/** Exact comparison that shows a unified diff instead of two walls of text on failure. */
export function expectSameText(actual: string, expected: string, name: string): void {
  if (actual === expected) return;
  const patch = createTwoFilesPatch(`expected/${name}`, `actual/${name}`, expected, actual, '', '', {
    context: 2,
  });
  expect.fail(`${name} differs:\n${patch.length > 20000 ? `${patch.slice(0, 20000)}\n…` : patch}`);
}
