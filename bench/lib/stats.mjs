// Small helpers every benchmark uses.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The nearest-rank percentile `p` (0–100) of an ascending array. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
