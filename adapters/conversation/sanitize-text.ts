// eslint-disable-next-line no-control-regex
const C0_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex
const C0_CONTROLS_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/**
 * Strips NUL and other C0 controls (except tab, CR, LF) that strict providers reject. The test
 * runs first so clean text (nearly all of it) is returned as is, without a copy.
 */
export function sanitizeText(s: string): string {
  return C0_CONTROLS.test(s) ? s.replace(C0_CONTROLS_ALL, "") : s;
}
