/** Plots: style, figure builders (results → plotly spec) and the one exporter. */
export type { Figure, Trace, Layout } from './types';
export {
  FONT,
  FONT_FAMILY,
  FIGURE_SIZE,
  REFERENCE_COLOUR,
  DASHES,
  SYMBOLS,
  ZGR_REINMAX_LABEL,
  axis,
  baseLayout,
  estimatorStyle,
  spansDecades,
  useLog,
  withAlpha,
  logTicks,
  integerTicks,
  tickLabel,
  isReinmaxAtOne,
  mergeReinmaxIntoZgr,
  type AxisSpec,
  type Ticks,
} from './style';
export { standardErrorBars, intervalBars, type SeriesStyle, type ErrorBars } from './series';
export { lineFigure, type LineSeries, type LineFigureSpec } from './line-figure';
export { groupedBarFigure, type BarSeries, type BarFigureSpec } from './bar-figure';
export {
  exportFigure,
  showFigure,
  closeExporter,
  figureSlug,
  PLOTLY_FILE,
  type ExportOptions,
  type ExportedFigure,
  type FigureRecord,
} from './export';
export { findChromium, CHROMIUM_CANDIDATES, CHROMIUM_HINT } from './chromium';
export { inTslabKernel } from './display';
export { markdownTable, formatNumber } from './table';
export {
  c1DeviationFigure,
  c4BiasFigure,
  c3BiasFigure,
  coldGrMseFigure,
  coldGrVarianceFigure,
  coldGrBiasVarianceFigure,
  slopeGuide,
  logBand,
  normErrorBars,
  powerOfTau,
  tauText,
  C3_ESTIMATORS,
  type SweepCase,
} from './claims-figures';
export { e2ObjectiveFigure, e6RatioFigure, e6GrByKFigure, E2_GAP_FLOOR } from './experiment-figures';
