/**
 * Cross-check of the float64 forms against reference values from an independent plain-Python
 * implementation of PAPER.md's formulas (test/fixtures/reference-vectors.json, a copy of
 * shared/vectors/estimators.json). One check among others; the exact and statistical checks stand
 * on their own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ref from '../fixtures/reference-vectors.json';
import {
  darnGradient,
  reinmaxGradient,
  stBinaryGradient,
  stGradient,
  stGsGradient,
  stZgrGradient,
  zgrBinaryGradient,
  zgrGradient,
} from '../../lib';
import { c3Moments } from '../../lib/checks/c3-quadratic-unbiasedness';
import { frac, rational } from '../../lib/math/field';
import { quadraticLoss } from '../../lib/exact/polynomial';
import { assertClose } from '../helpers';

const TOL = { atol: 1e-14, rtol: 1e-12 };

describe('float64 forms agree with independent reference values', () => {
  ref.categorical.forEach((c, k) => {
    it(`categorical case ${k} (C = ${c.logits.length}, x = ${c.x})`, () => {
      const at = (context: string) => ({ ...TOL, context: `case ${k} ${context}` });
      assertClose(stGradient(c.logits, c.x, c.upstream), c.st, at('ST'));
      assertClose(stGradient(c.logits, c.x, c.upstream, { t: 0.5 }), c['st_t0.5'], at('ST(t=0.5)'));
      assertClose(darnGradient(c.logits, c.x, c.upstream), c.darn, at('DARN'));
      assertClose(zgrGradient(c.logits, c.x, c.upstream), c.zgr, at('ZGR'));
      assertClose(stZgrGradient(c.logits, c.x, c.upstream, { a: 0.3 }), c['st_zgr_a0.3'], at('ST-ZGR(0.3)'));
      assertClose(reinmaxGradient(c.logits, c.x, c.upstream, { tau: 1.5 }), c['reinmax_tau1.5'], at('ReinMax(1.5)'));
      assertClose(
        stGsGradient(c.logits, c.upstream, { tau: 0.5 }, c.gumbel_noise),
        c['st_gs_tau0.5'],
        at('ST-GS(0.5)'),
      );
    });
  });

  it('binary ST and ZGR', () => {
    for (const c of ref.binary) {
      const b = c.b as 0 | 1;
      assertClose([stBinaryGradient(c.logit, b, c.upstream)], [c.st], { ...TOL, context: `binary ST a=${c.logit}` });
      assertClose([zgrBinaryGradient(c.logit, b, c.upstream)], [c.zgr], { ...TOL, context: `binary ZGR a=${c.logit}` });
    }
  });

  it('the exact C3 case: objective, gradient and E[ST], E[DARN], E[ZGR] as fractions', () => {
    const c = ref.c3_exact;
    const A = c.A.map((row) => row.map((s) => frac(s)));
    const result = c3Moments({
      F: rational,
      p: c.variables.map((v) => v.p.map((s) => frac(s))),
      loss: quadraticLoss(
        rational,
        A,
        c.b.map((s) => frac(s)),
      ),
    });
    const show = (g: { toFraction(): string }[][]) => g.flat().map((f) => f.toFraction());
    assert.equal(result.objective.toFraction(), frac(c.objective).toFraction());
    assert.deepEqual(
      show(result.gradient),
      c.exact_grad_logits.map((s) => frac(s).toFraction()),
    );
    assert.deepEqual(
      show(result.mean.st),
      c.E_st.map((s) => frac(s).toFraction()),
    );
    assert.deepEqual(
      show(result.mean.darn),
      c.E_darn.map((s) => frac(s).toFraction()),
    );
    assert.deepEqual(
      show(result.mean.zgr),
      c.E_zgr.map((s) => frac(s).toFraction()),
    );
  });
});
