/**
 * The text report's styles. Codes are added only here, after every line was made safe
 * (core/safe-text neutralises ESC in input text), so no colour code ever comes from input.
 */
export type Style = 'bold' | 'opened' | 'closed' | 'changed';

const SGR: Readonly<Record<Style, readonly [open: string, close: string]>> = {
  bold: ['\u001b[1m', '\u001b[22m'],
  opened: ['\u001b[32m', '\u001b[39m'],
  closed: ['\u001b[31m', '\u001b[39m'],
  changed: ['\u001b[33m', '\u001b[39m'],
};

/** One line of the text report and how it is styled on a colour terminal. */
export interface StyledLine {
  readonly text: string;
  readonly styles?: readonly Style[];
}

export function styled(text: string, ...styles: Style[]): StyledLine {
  return styles.length ? { text, styles } : { text };
}

/** `text` wrapped in the styles' codes, innermost last; unchanged when colour is off. */
export function paint(line: StyledLine, colour: boolean): string {
  if (!colour || !line.styles?.length || line.text === '') return line.text;
  return line.styles.reduce((t, s) => `${SGR[s][0]}${t}${SGR[s][1]}`, line.text);
}
