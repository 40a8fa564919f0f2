import { api, type SensorStatus } from '../api';
import { sparkline } from '../charts';
import { ago, badge, empty, fmtInt, h, replace } from '../dom';
import type { View } from '../main';

/**
 * Live capture sensors (`overhear monitor` writes table sensor_status). The
 * page updates on the server's change events and every 2 s (for "updated … ago");
 * rates are computed here from successive counter values.
 */
export function sensorView(): View {
  let root: HTMLElement;
  let timer: number | undefined;
  const history = new Map<string, Array<{ t: number; v: number }>>();

  const load = async (): Promise<void> => {
    const s = await api<SensorStatus>('sensor');
    const now = Date.parse(s.now);
    const cards = s.sensors.map((sensor) => {
      const age = (now - Date.parse(sensor.updatedAt)) / 1000;
      const stale = age > 30;
      const rows = Object.entries(sensor.stats).map(([k, v]) => {
        const key = `${sensor.name}\u0000${k}`;
        let rate: number | undefined;
        const spark = h('span', { class: 'spark-box' });
        // Rates only for counters that grow (packets, bytes, exchanges, drops…), not gauges (flows open, buffered bytes, uptime).
        if (typeof v === 'number' && !/open|buffer|queue|uptime|pending|seconds|size|pid/i.test(k)) {
          const hist = history.get(key) ?? [];
          const t = Date.parse(sensor.updatedAt);
          if (!hist.length || hist[hist.length - 1]!.t !== t) hist.push({ t, v });
          while (hist.length > 60) hist.shift();
          history.set(key, hist);
          const rates: number[] = [];
          for (let i = 1; i < hist.length; i++) {
            const dt = (hist[i]!.t - hist[i - 1]!.t) / 1000;
            if (dt > 0) rates.push(Math.max(0, (hist[i]!.v - hist[i - 1]!.v) / dt));
          }
          rate = rates[rates.length - 1];
          if (rates.length >= 2) sparkline(spark, rates, `${k} per second`);
        }
        return h(
          'tr',
          null,
          h('th', { class: 'k' }, k),
          h('td', { class: 'v' }, typeof v === 'number' ? fmtInt(v) : typeof v === 'string' ? v : JSON.stringify(v)),
          h('td', { class: 'muted' }, rate !== undefined ? `${rate.toFixed(1)}/s` : ''),
          h('td', null, spark),
        );
      });
      return h(
        'section',
        { class: 'card sensor', 'data-sensor': sensor.name },
        h('h2', null, sensor.name, ' ', stale ? badge('stale', 'high') : badge('live', 'documented')),
        h('p', { class: 'muted' }, `updated ${ago(sensor.updatedAt, now)}`),
        h('table', { class: 'simple kv' }, h('tbody', null, rows)),
      );
    });
    replace(
      root,
      h('h1', null, 'Sensor'),
      cards.length
        ? cards
        : empty('No sensor has reported. Start one with `overhear monitor --interface IF` (on a mirrored port); its status appears here without reloading.'),
    );
  };
  return {
    async render(r) {
      root = r;
      window.clearInterval(timer);
      timer = window.setInterval(() => void load().catch(() => undefined), 2000);
      await load();
    },
    refresh: load,
    dispose() {
      window.clearInterval(timer);
    },
  };
}
