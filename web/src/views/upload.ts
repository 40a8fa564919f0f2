import { fmtInt, h, replace } from '../dom';
import { href } from '../router';
import type { View } from '../main';

interface UploadEvent {
  id: string;
  phase: 'receiving' | 'ingesting' | 'done' | 'error';
  bytes: number;
  size?: number;
  message?: string;
}

interface Summary {
  file: string;
  format: string;
  exchanges: number;
  endpoints: number;
  alreadyIngested: boolean;
  fault?: string;
}

const fmtBytes = (n: number): string => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`);

/**
 * Drag-and-drop (or choose) HAR, pcap, pcapng files. The browser's own upload
 * progress shows the sending; the server's `upload` events show the analysis.
 */
export function uploadView(): View {
  let list: HTMLElement;
  let onEvent: ((ev: Event) => void) | undefined;
  const bars = new Map<string, { bar: HTMLProgressElement; status: HTMLElement }>();

  function uploadOne(file: File): void {
    const id = `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const bar = h('progress', { max: '1', value: '0', 'aria-label': `Upload of ${file.name}` });
    const status = h('span', { class: 'status', role: 'status' }, 'sending…');
    const item = h('li', { class: 'upload-item', 'data-upload': id }, h('strong', null, file.name), ' ', h('span', { class: 'muted' }, fmtBytes(file.size)), bar, status);
    list.prepend(item);
    bars.set(id, { bar, status });
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?name=${encodeURIComponent(file.name)}&id=${id}`);
    xhr.setRequestHeader('X-Overhear-Request', '1');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) {
        bar.value = (ev.loaded / ev.total) * 0.5;
        status.textContent = `sending… ${Math.round((ev.loaded / ev.total) * 100)}%`;
      }
    };
    xhr.upload.onload = () => {
      status.textContent = 'analysing…';
    };
    xhr.onerror = () => {
      item.classList.add('failed');
      status.textContent = 'the upload failed (connection lost)';
    };
    xhr.onload = () => {
      bars.delete(id);
      let body: { error?: string; kind?: string; summary?: Summary; result?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON */
      }
      if (xhr.status === 200 && body.kind === 'spec') {
        bar.value = 1;
        item.classList.add('ok');
        replace(status, `${body.result?.message ?? 'spec imported'} `, h('a', { href: href('inventory') }, 'see the inventory →'));
      } else if (xhr.status === 200 && body.summary) {
        const s = body.summary;
        bar.value = 1;
        item.classList.add('ok');
        replace(
          status,
          s.alreadyIngested
            ? 'already ingested (same content): nothing added'
            : `${s.format}: ${fmtInt(s.exchanges)} exchanges → ${fmtInt(s.endpoints)} endpoints${s.fault ? ` (warning: ${s.fault})` : ''} `,
          h('a', { href: href('inventory') }, 'see the inventory →'),
        );
      } else {
        item.classList.add('failed');
        bar.value = 0;
        replace(status, h('span', { class: 'error', role: 'alert' }, body.error ?? `error ${xhr.status}`), xhr.status === 422 ? ' — nothing from this file was added.' : '');
      }
    };
    xhr.send(file);
  }

  return {
    async render(root) {
      if (list && root.contains(list)) return;
      const input = h('input', { type: 'file', id: 'file-input', class: 'visually-hidden' });
      input.multiple = true;
      input.accept = '.har,.json,.pcap,.pcapng,.cap,.yaml,.yml';
      const zone = h(
        'label',
        { class: 'dropzone', for: 'file-input', tabindex: 0, role: 'button', 'aria-label': 'Choose or drop capture files' },
        h('strong', null, 'Drop HAR, pcap, pcapng or OpenAPI files here'),
        h('span', null, 'or press Enter to choose them. The format is told by content, not by name. OpenAPI documents (JSON or YAML) are imported as the declared inventory.'),
      );
      zone.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          input.click();
        }
      });
      zone.addEventListener('dragover', (ev) => {
        ev.preventDefault();
        zone.classList.add('over');
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('over'));
      zone.addEventListener('drop', (ev) => {
        ev.preventDefault();
        zone.classList.remove('over');
        for (const f of ev.dataTransfer?.files ?? []) uploadOne(f);
      });
      input.addEventListener('change', () => {
        for (const f of input.files ?? []) uploadOne(f);
        input.value = '';
      });
      list = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
      onEvent = (ev: Event) => {
        const d = (ev as CustomEvent<UploadEvent>).detail;
        const b = bars.get(d.id);
        if (!b || d.phase !== 'ingesting') return;
        const frac = d.size ? d.bytes / d.size : 0;
        b.bar.value = 0.5 + frac * 0.5;
        b.status.textContent = `analysing… ${Math.round(frac * 100)}%`;
      };
      window.addEventListener('overhear-upload', onEvent);
      replace(root, h('h1', null, 'Upload'), zone, input, list);
    },
    // Nothing to reload when the catalog changes (uploads themselves change it): keep the list as it is.
    async refresh() {},
    dispose() {
      if (onEvent) window.removeEventListener('overhear-upload', onEvent);
    },
  };
}
