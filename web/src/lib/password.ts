// The api's password rule, checked before sending so the error sits under the field at once.

/** The api's password rule: 8-100 characters, at least one letter and one digit. */
export function passwordProblem(p: string): string | null {
  if (p.length < 8) return 'The password needs at least 8 characters.';
  if (p.length > 100) return 'The password can have at most 100 characters.';
  if (!/\p{L}/u.test(p)) return 'The password needs at least one letter.';
  if (!/\d/.test(p)) return 'The password needs at least one number.';
  return null;
}
