/**
 * The parts of the Workers runtime's Durable Object and WebSocket APIs Elo uses, typed here as
 * `d1-types.ts` and `r2-types.ts` do for D1 and R2 (Cloudflare's own type package is not a
 * dependency). Names and shapes are Cloudflare's (developers.cloudflare.com/durable-objects/api).
 */

/** A WebSocket of the Workers runtime: `accept()` before use on the side a Worker keeps. */
export interface EdgeWebSocket {
  accept(): void;
  send(message: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message' | 'close' | 'error', listener: () => void): void;
}

export interface DurableObjectId {
  toString(): string;
}

export interface DurableObjectStub {
  fetch(url: string, init?: RequestInit): Promise<Response & { webSocket?: EdgeWebSocket | null }>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub;
}

/** What a Durable Object is given: the WebSocket Hibernation API (`acceptWebSocket`, `getWebSockets`). */
export interface DurableObjectState {
  acceptWebSocket(ws: EdgeWebSocket, tags?: string[]): void;
  getWebSockets(tag?: string): EdgeWebSocket[];
}

/** The runtime's `WebSocketPair` (a global of Workers, absent on Node). */
export interface WebSocketPairConstructor {
  new (): { 0: EdgeWebSocket; 1: EdgeWebSocket };
}
