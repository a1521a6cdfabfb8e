/** What decides whether the text report is coloured. */
export interface ColourContext {
  /** `--no-color` was given. */
  readonly noColorFlag: boolean;
  /** The report is written to a file (`-o FILE`), not stdout. */
  readonly toFile: boolean;
  /** stdout is a terminal. */
  readonly stdoutIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Colour on a terminal, off elsewhere. `--no-color` always wins, and a file (`-o`) is never
 * coloured (escape codes in a saved report are noise). FORCE_COLOR, when set, decides next (`0`
 * or `false` off, any other value on, even through a pipe), as Node's tty.getColorDepth reads it
 * and force-color.org asks. Then NO_COLOR, set and not empty, turns colour off (no-color.org);
 * then a stdout that is not a terminal, or TERM=dumb.
 */
export function useColour(ctx: ColourContext): boolean {
  if (ctx.noColorFlag || ctx.toFile) return false;
  const force = ctx.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if ((ctx.env.NO_COLOR ?? '') !== '') return false;
  return ctx.stdoutIsTTY && ctx.env.TERM !== 'dumb';
}
