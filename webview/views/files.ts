// "Open trace file" and "Export trace": placeholder until the files work lands (issue 8).
import type { Channel } from '../channel';
import { el } from '../dom';

export function fileActions(_channel: Channel, _openTraceId: () => string | undefined): HTMLElement {
  return el('span', { class: 'file-actions' });
}
