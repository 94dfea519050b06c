// Confirmed sales over time, drawn with uPlot (seats and revenue per bucket), and the same figures as a table: the
// chart is for the eye, the table is its text alternative.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { money } from '../common/format.ts';
import { BUCKET_NAMES, type EventSales } from './sales-data.ts';

const HEIGHT = 260;

export function SalesChart({ sales }: { sales: EventSales }) {
  if (sales.series.length === 0) return <p>No confirmed sales yet, so there is nothing to chart.</p>;
  return (
    <figure className="sales-chart">
      <figcaption>Confirmed sales per {BUCKET_NAMES[sales.bucket].toLowerCase()} (the table below gives the same figures)</figcaption>
      <ChartCanvas sales={sales} />
      <SalesSeriesTable sales={sales} />
    </figure>
  );
}

function ChartCanvas({ sales }: { sales: EventSales }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(chartOptions(sales, el.clientWidth || 640), chartData(sales), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [sales]);
  return <div ref={box} className="sales-chart-canvas" aria-hidden="true" />;
}

/** Revenue in major units on the chart's axis (the table shows it in the currency's own format). */
function majorUnits(sales: EventSales): number {
  if (!sales.currency) return 100;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: sales.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return 10 ** digits;
}

function chartData(sales: EventSales): uPlot.AlignedData {
  const unit = majorUnits(sales);
  return [
    sales.series.map((p) => Date.parse(p.start) / 1000),
    sales.series.map((p) => p.seats),
    sales.series.map((p) => p.revenueMinor / unit),
  ];
}

/** Seconds in one bucket: a lone point (or a few) is shown with a bucket of room each side, not across years. */
const BUCKET_SECONDS: Record<EventSales['bucket'], number> = { '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 };

function chartOptions(sales: EventSales, width: number): uPlot.Options {
  const currency = sales.currency ?? '';
  const pad = BUCKET_SECONDS[sales.bucket];
  const first = Date.parse(sales.series[0]!.start) / 1000;
  const last = Date.parse(sales.series.at(-1)!.start) / 1000;
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true, auto: false, range: [first - pad, last + pad] },
      seats: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      money: { range: (_u, _min, max) => [0, Math.max(1, max)] },
    },
    axes: [{}, { scale: 'seats', label: 'Seats' }, { scale: 'money', label: `Revenue ${currency}`, side: 1, grid: { show: false } }],
    series: [
      { label: 'Time' },
      { label: 'Seats', scale: 'seats', stroke: '#0b5cad', width: 2, points: { show: true, size: 7 } },
      { label: `Revenue (${currency})`, scale: 'money', stroke: '#106b2f', width: 2, dash: [6, 4], points: { show: true, size: 7 } },
    ],
  };
}

function SalesSeriesTable({ sales }: { sales: EventSales }) {
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <table className="sales-series">
      <caption>Sales over time</caption>
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col">Seats sold</th>
          <th scope="col">Revenue</th>
        </tr>
      </thead>
      <tbody>
        {sales.series.map((p) => (
          <tr key={p.start}>
            <th scope="row">{when.format(new Date(p.start))}</th>
            <td>{p.seats}</td>
            <td>{sales.currency ? money(p.revenueMinor, sales.currency) : p.revenueMinor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
