/** Plots: style, figure builders (results → plotly spec) and the one exporter. */
export type { Figure, Trace, Layout } from './types';
export { FONT, FIGURE_SIZE, REFERENCE_COLOUR, DASHES, axis, baseLayout, estimatorStyle, spansDecades, useLog, withAlpha, type AxisSpec } from './style';
export type { SeriesStyle } from './series';
export { lineFigure, type LineSeries, type LineFigureSpec } from './line-figure';
export { groupedBarFigure, type BarSeries, type BarFigureSpec } from './bar-figure';
export { exportFigure, showFigure, closeExporter, figureSlug, PLOTLY_FILE, type ExportOptions, type ExportedFigure, type FigureRecord } from './export';
export { findChromium, CHROMIUM_CANDIDATES, CHROMIUM_HINT } from './chromium';
export { inTslabKernel } from './display';
export { markdownTable, formatNumber } from './table';
export {
  c1DeviationFigure, c4BiasFigure, c3BiasFigure, coldGrMseFigure, coldGrVarianceFigure, coldGrBiasVarianceFigure,
  slopeGuide, logBand, powerOfTau, C3_ESTIMATORS, type SweepCase,
} from './claims-figures';
export { e2ObjectiveFigure, e6RatioFigure, e6GrByKFigure, E2_GAP_FLOOR } from './experiment-figures';
