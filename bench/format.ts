/** How the bench's markdown tables write numbers. */

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export const ms = (n: number): string => (n >= 100 ? int(n) : n >= 1 ? n.toFixed(1) : n >= 0.01 ? n.toFixed(3) : n.toFixed(4)) + ' ms';

/** A wall time a user waits for: milliseconds under a second, seconds above. */
export const wall = (msValue: number): string =>
  msValue < 1_000 ? ms(msValue) : `${(msValue / 1000).toFixed(msValue < 10_000 ? 2 : 1)} s`;

export const times = (n: number): string => (n >= 10 ? `${int(n)}×` : n >= 0.01 ? `${n.toFixed(2)}×` : `${n.toPrecision(2)}×`);

export const megabytes = (mb: number): string => (Number.isFinite(mb) ? `${int(mb)} MB` : 'n/a');

export const bytes = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;

export const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');

/** Every process of the issues' targets stays under this peak RSS (issues 7, 13 and 14). */
export const RSS_LIMIT_MB = 300;
