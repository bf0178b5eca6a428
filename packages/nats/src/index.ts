export { NatsTransportError, type NatsTransportErrorCode } from "./errors.js";
export type { NatsTransportOptions } from "./options.js";
export { type NatsChannelStats, type NatsTransport, natsTransport } from "./transport.js";
