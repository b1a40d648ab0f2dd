// A text/event-stream parser for fetch() bodies. EventSource cannot send the Authorization
// header the notification stream needs, so the browser reads the stream itself.

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Feeds chunks in, gets whole events out; keeps the partial tail between chunks. */
export class SseParser {
  private buf = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: string): SseEvent[] {
    this.buf += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const eol = this.buf.startsWith('\r\n', nl) ? 2 : 1;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + eol);
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0 && this.event === '') return null;
      const ev: SseEvent = { event: this.event || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) ev.id = this.id;
      this.event = '';
      this.data = [];
      return ev;
    }
    // Comments (": keepalive") only prove the connection lives.
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    return null;
  }
}

/** Delay before reconnect attempt n (0-based): 1, 2, 4, 8, 16 s; null once tries run out. */
export function backoffMs(attempt: number, maxTries = 5): number | null {
  if (attempt >= maxTries) return null;
  return 1000 * 2 ** attempt;
}
