// ECharts, registered modularly: only the chart types and components the views use are
// bundled (bar + line, grid/tooltip/legend/dataZoom, canvas renderer).
import { ref } from 'vue'
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, TitleComponent, MarkLineComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  TooltipComponentOption,
  LegendComponentOption,
  DataZoomComponentOption,
  TitleComponentOption,
  MarkLineComponentOption,
} from 'echarts/components'

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, TitleComponent, MarkLineComponent, CanvasRenderer])

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | TitleComponentOption
  | MarkLineComponentOption
>

export { echarts }

const scheme = window.matchMedia('(prefers-color-scheme: dark)')
/** Reactive: true while the system is in dark mode. */
export const darkScheme = ref(scheme.matches)
scheme.addEventListener('change', () => (darkScheme.value = scheme.matches))

/**
 * Colours read from the CSS custom properties so charts follow light/dark. Reading it makes a
 * computed chart option (or a render) depend on the colour scheme, so charts already on screen
 * are re-coloured when the scheme changes.
 */
export function chartTheme() {
  void darkScheme.value
  const css = getComputedStyle(document.documentElement)
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text-muted', '#666'),
    strong: v('--text', '#222'),
    grid: v('--border', '#ddd'),
    palette: [
      v('--chart-1', '#3b82f6'),
      v('--chart-2', '#f59e0b'),
      v('--chart-3', '#10b981'),
      v('--chart-4', '#ef4444'),
      v('--chart-5', '#8b5cf6'),
      v('--chart-6', '#06b6d4'),
    ],
    danger: v('--danger', '#dc2626'),
  }
}
