import { describe, expect, it } from 'vitest';
import { passwordProblem } from '@/lib/password';
import { safeRedirect } from '@/lib/redirect';
import { previewImage } from '@/lib/og';
import { techLine } from '@/lib/format';

describe('safeRedirect', () => {
  it('keeps paths on this site', () => {
    expect(safeRedirect('/submit')).toBe('/submit');
    expect(safeRedirect('/p/abc?x=1#c')).toBe('/p/abc?x=1#c');
  });
  it('refuses other hosts and odd values', () => {
    expect(safeRedirect('//evil.example/x')).toBe('/');
    expect(safeRedirect('/\\evil.example')).toBe('/');
    expect(safeRedirect('https://evil.example')).toBe('/');
    expect(safeRedirect('javascript:alert(1)')).toBe('/');
    expect(safeRedirect(['/a', '/b'])).toBe('/');
    expect(safeRedirect(undefined, '/welcome')).toBe('/welcome');
  });
});

describe('passwordProblem', () => {
  it('follows the api rule', () => {
    expect(passwordProblem('abc12')).toMatch(/8 characters/);
    expect(passwordProblem('abcdefgh')).toMatch(/one number/);
    expect(passwordProblem('12345678')).toMatch(/one letter/);
    expect(passwordProblem('x'.repeat(100) + '1')).toMatch(/at most 100/);
    expect(passwordProblem('pixels42')).toBeNull();
    expect(passwordProblem('пиксели42')).toBeNull();
  });
});

describe('previewImage', () => {
  const base = { art_url: 'http://v/ab/cd/k.gif', width: 32, height: 16, files: [{ format: 'gif' }] };
  it('uses the original until the upscaled preview exists', () => {
    expect(previewImage(base)).toEqual({ url: 'http://v/ab/cd/k.gif', width: 32, height: 16 });
  });
  it('uses the whole-number upscale up to 768 px', () => {
    expect(previewImage({ ...base, files: [{ format: 'gif' }, { format: 'upscaled_webp' }] })).toEqual({
      url: 'http://v/ab/cd/k_upscaled.webp',
      width: 768,
      height: 384,
    });
  });
  it('has nothing to show without a file', () => {
    expect(previewImage({ ...base, art_url: null })).toBeNull();
  });
});

describe('techLine', () => {
  it('reads date, frames, size and format', () => {
    expect(techLine({ created_at: '2026-11-28T10:00:00Z', frame_count: 12, width: 64, height: 64, file_bytes: 3277, native_format: 'gif' }))
      .toBe('2026-11-28 • 12 frames × (64×64) • 3.2 KiB GIF');
    expect(techLine({ created_at: '2026-11-28T10:00:00Z', frame_count: 1, width: 8, height: 8 })).toBe('2026-11-28 • (8×8)');
  });
});
