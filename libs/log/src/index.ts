export * from './event-log';
export * from './kafka/kafka-options';
export * from './kafka/kafka-event-log';
export * from './kafka/topic-replication';
export * from './embedded/embedded-event-log';
export * from './produce-batcher';
export * from './kafka/kafka-probe';
export * from './kafka/broker-replicas';
