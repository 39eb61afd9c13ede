// Pearson's chi-square goodness-of-fit test, for "does the observed split differ from the
// configured weights beyond what chance explains". The p-value is the upper tail of the chi-square
// distribution, Q(df/2, x/2), the regularized upper incomplete gamma function, computed as in
// Numerical Recipes (series below a + 1, Lentz's continued fraction above); relative error ~1e-12,
// far below what a p < 0.001 decision needs.

export interface ChiSquareResult {
  /** The statistic: sum over categories of (observed - expected)^2 / expected. */
  chi2: number;
  /** Categories with a non-zero expected count, minus one. */
  df: number;
  /** Probability of a statistic at least this large if the weights were true; 0 when a category with weight 0 has requests. */
  p: number;
}

/**
 * `observed[i]` requests against `weights[i]` (any non-negative scale). Categories with weight 0
 * take no part in the statistic, but a request in one is impossible under the configuration: p = 0.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], weights: readonly number[]): ChiSquareResult {
  const n = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  if (n === 0 || wsum <= 0) return { chi2: 0, df: 0, p: 1 };
  let chi2 = 0;
  let categories = 0;
  let impossible = false;
  for (let i = 0; i < observed.length; i++) {
    const expected = (n * weights[i]) / wsum;
    if (expected === 0) {
      if (observed[i] > 0) impossible = true;
      continue;
    }
    categories++;
    chi2 += (observed[i] - expected) ** 2 / expected;
  }
  const df = Math.max(0, categories - 1);
  if (impossible) return { chi2: Number.POSITIVE_INFINITY, df, p: 0 };
  return { chi2, df, p: df === 0 ? 1 : chiSquareSurvival(chi2, df) };
}

/** P(X >= x) for X chi-square distributed with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

const EPS = 1e-15;
const FPMIN = 1e-300;

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** Regularized upper incomplete gamma Q(a, x). */
function gammaQ(a: number, x: number): number {
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 - P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}
