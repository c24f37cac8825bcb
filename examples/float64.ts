// The float64 forms: plain functions of (logits, sample index x, upstream gradient v) — no tfjs.
// Run: npm run build && node dist/examples/float64.js
import { darnGradient, stGradient, zgrGradient } from '../lib';

const logits = [0.5, -1, 2];
const x = 2; // the sampled category
const v = [1, -2, 0.5]; // ∂f/∂z at the one-hot sample e_x
const show = (g: number[]) => g.map((gj) => gj.toFixed(4)).join(' ');
console.log(`ST:   ${show(stGradient(logits, x, v))}`);
console.log(`DARN: ${show(darnGradient(logits, x, v))}`);
console.log(`ZGR:  ${show(zgrGradient(logits, x, v))}`); // = (ST + DARN) / 2, claim C2
// Output:
// ST:   0.0894 -0.0974 0.0080
// DARN: -0.0018 -0.0004 0.0022
// ZGR:  0.0438 -0.0489 0.0051
