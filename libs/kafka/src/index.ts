export * from './event-log';
export * from './kafka-options';
export * from './kafka-event-log';
export * from './murmur2';
export * from './produce-batcher';
