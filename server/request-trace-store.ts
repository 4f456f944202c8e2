/** The last N request flows (machine events and states), for `/debug/requests` and the visualizer. */
export interface RequestTrace {
  id: string;
  model: string;
  startedAt: number;
  steps: { at: number; event: string; state: string }[];
  final?: string;
}

export class RequestTraceStore {
  private readonly traces = new Map<string, RequestTrace>();
  private readonly limit: number;
  constructor(limit = 200) {
    this.limit = limit;
  }

  start(id: string, model: string): RequestTrace {
    const t: RequestTrace = { id, model, startedAt: Date.now(), steps: [] };
    this.traces.set(id, t);
    if (this.traces.size > this.limit) this.traces.delete(this.traces.keys().next().value as string);
    return t;
  }

  get(id: string): RequestTrace | undefined {
    return this.traces.get(id);
  }

  list(): RequestTrace[] {
    return [...this.traces.values()].reverse();
  }
}
