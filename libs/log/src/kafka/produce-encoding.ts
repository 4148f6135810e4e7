import { crc32c } from './crc32c';

/* eslint-disable @typescript-eslint/no-require-imports */
// kafkajs's request table (the broker looks requests up in it on every call) and its Long.
const { requests } = require('kafkajs/src/protocol/requests');
const Long = require('kafkajs/src/utils/long');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Produce requests encoded in one pass into one buffer, byte for byte what kafkajs 2.2.4 sends.
 *
 * kafkajs builds each record, and each of its headers, in an `Encoder` that starts as a zero-filled
 * 512-byte buffer, writes every varint through a `Buffer.from` of a fresh array, then copies records
 * into the batch, the batch into the partition, the partition into the topic: with the ledger's seven
 * CloudEvents headers a record costs nine buffers of 512 bytes, and the ingest API spent 40 % of its
 * CPU in kafkajs and 12 % in the garbage collector under 100-event batches (docs/benchmarks.md). Here
 * the request's size is counted first, one buffer of that size is written once, and the record
 * batch's CRC-32C is taken over its part of that buffer, eight bytes a step (`crc32c`).
 *
 * Only the request encoding changes: the version kafkajs negotiates, the response decoder, retries and
 * sequence numbers stay kafkajs's. Requests this does not cover (compressed batches, messages with their
 * own timestamps, keys, values or headers that are neither strings nor buffers) go to kafkajs's own
 * encoder, unchanged; a spec compares both encoders' bytes over generated requests.
 */

interface ProducedMessage {
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
  timestamp?: unknown;
}

interface PartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProducedMessage[];
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: PartitionData[] }[];
}

/** What kafkajs's request framing takes from an encoder: the buffer, and its bytes. */
export interface EncodedRequest {
  buf: Buffer;
  readonly buffer: Buffer;
  size(): number;
}

const COMPRESSION_NONE = 0;
const MAGIC_BYTE = 2;
/** Bytes of a record batch before its records: offset, length, epoch, magic, CRC, then the body's fixed part. */
const BATCH_PREFIX = 8 + 4 + 4 + 1 + 4;
const BATCH_BODY_FIXED = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

function zigZag(value: number): number {
  return (value << 1) ^ (value >> 31);
}

/** Bytes of an unsigned varint, as kafkajs writes it (7 bits at a time while any bit above the 7th is set). */
function uVarIntSize(value: number): number {
  let bytes = 1;
  while ((value & 0xffffff80) !== 0) {
    bytes += 1;
    value >>>= 7;
  }
  return bytes;
}

function varIntSize(value: number): number {
  return uVarIntSize(zigZag(value));
}

/** Byte length of a key, value or header value; -1 for null; undefined when kafkajs's encoder must take it. */
function bytesLength(value: unknown): number | undefined {
  if (value == null) return -1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Buffer.isBuffer(value)) return value.length;
  return undefined;
}

function varIntBytesSize(length: number): number {
  return length < 0 ? varIntSize(-1) : varIntSize(length) + length;
}

/**
 * The bytes of one partition's records; pushes onto `lengths`, per record, its body's size and its
 * header count (the varints the writer puts before them). Undefined when a message is one kafkajs's
 * own encoder must take.
 */
function measurePartition(messages: ProducedMessage[], lengths: number[]): number | undefined {
  let recordsSize = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.timestamp != null) return undefined;
    const keyLength = bytesLength(m.key);
    const valueLength = bytesLength(m.value);
    if (keyLength === undefined || valueLength === undefined) return undefined;
    const headers = m.headers === undefined ? {} : m.headers;
    let headerCount = 0;
    let headersSize = 0;
    const at = lengths.length;
    lengths.push(0, 0);
    for (const name of Object.keys(headers)) {
      const given = headers[name];
      const nameSize = varIntBytesSize(Buffer.byteLength(name, 'utf8'));
      // One header per value of an array (kafkajs's form for a repeated header), as the writer does.
      const count = Array.isArray(given) ? given.length : 1;
      for (let v = 0; v < count; v++) {
        const value = Array.isArray(given) ? given[v] : given;
        if (typeof value !== 'string' && !Buffer.isBuffer(value)) return undefined;
        headersSize += nameSize + varIntBytesSize(bytesLength(value) as number);
      }
      headerCount += count;
    }
    headersSize += varIntSize(headerCount);
    // attributes, timestamp delta (always 0 here: one varint byte), offset delta, key, value, headers
    const body = 1 + 1 + varIntSize(i) + varIntBytesSize(keyLength) + varIntBytesSize(valueLength) + headersSize;
    lengths[at] = body;
    lengths[at + 1] = headerCount;
    recordsSize += varIntSize(body) + body;
  }
  return recordsSize;
}

class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(value: number): void {
    this.buf.writeInt8(value, this.offset);
    this.offset += 1;
  }
  int16(value: number): void {
    this.buf.writeInt16BE(value, this.offset);
    this.offset += 2;
  }
  int32(value: number): void {
    this.buf.writeInt32BE(value, this.offset);
    this.offset += 4;
  }
  int64(value: unknown): void {
    const long = Long.fromValue(value);
    this.buf.writeInt32BE(long.getHighBits(), this.offset);
    this.buf.writeInt32BE(long.getLowBits(), this.offset + 4);
    this.offset += 8;
  }
  string(value: string | null | undefined): void {
    if (value == null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.offset += this.buf.write(value, this.offset, length, 'utf8');
  }
  varInt(value: number): void {
    let v = zigZag(value);
    while ((v & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.offset++] = v & 0x7f;
  }
  varIntBytes(value: unknown): void {
    if (value == null) return this.varInt(-1);
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value, 'utf8');
      this.varInt(length);
      this.offset += this.buf.write(value, this.offset, length, 'utf8');
      return;
    }
    const bytes = value as Buffer;
    this.varInt(bytes.length);
    this.offset += bytes.copy(this.buf, this.offset);
  }
}

function encoded(buf: Buffer): EncodedRequest {
  return { buf, buffer: buf, size: () => buf.length };
}

/**
 * The produce request (v3 to v7 share one body) kafkajs would send for these arguments, or undefined
 * when it holds something only kafkajs's own encoder writes.
 */
export function encodeProduceRequest(args: ProduceRequestArgs): EncodedRequest | undefined {
  const { acks, timeout, topicData } = args;
  const transactionalId = args.transactionalId ?? null;
  const producerId = args.producerId ?? Long.fromInt(-1);
  const producerEpoch = args.producerEpoch ?? 0;
  if ((args.compression ?? COMPRESSION_NONE) !== COMPRESSION_NONE) return undefined;

  const lengths: number[] = [];
  const recordsSizes: number[] = [];
  let size = 2 + (transactionalId == null ? 0 : Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  for (const { topic, partitions } of topicData) {
    size += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    for (const { messages } of partitions) {
      const recordsSize = measurePartition(messages, lengths);
      if (recordsSize === undefined) return undefined;
      recordsSizes.push(recordsSize);
      size += 4 + 4 + BATCH_PREFIX + BATCH_BODY_FIXED + recordsSize;
    }
  }

  const w = new Writer(Buffer.allocUnsafe(size));
  w.string(transactionalId);
  w.int16(acks);
  w.int32(timeout);
  w.int32(topicData.length);
  let partitionIndex = 0;
  let lengthIndex = 0;
  for (const { topic, partitions } of topicData) {
    w.string(topic);
    w.int32(partitions.length);
    for (const { partition, firstSequence = 0, messages } of partitions) {
      const recordsSize = recordsSizes[partitionIndex++];
      const batchLength = 4 + 1 + 4 + BATCH_BODY_FIXED + recordsSize;
      const now = Date.now();
      w.int32(partition);
      w.int32(8 + 4 + batchLength);
      w.int64(0); // first offset
      w.int32(batchLength);
      w.int32(0); // partition leader epoch
      w.int8(MAGIC_BYTE);
      const crcAt = w.offset;
      w.int32(0); // the CRC, written once the body is
      w.int16(transactionalId ? 16 : 0); // attributes: no compression, create time, transactional bit
      w.int32(messages.length - 1);
      w.int64(now);
      w.int64(now);
      w.int64(producerId);
      w.int16(producerEpoch);
      w.int32(firstSequence);
      w.int32(messages.length);
      for (let i = 0; i < messages.length; i++) {
        const { key, value, headers = {} } = messages[i];
        w.varInt(lengths[lengthIndex++]);
        w.int8(0); // attributes
        w.varInt(0); // timestamp delta: every record takes the batch's time
        w.varInt(i);
        w.varIntBytes(key);
        w.varIntBytes(value);
        w.varInt(lengths[lengthIndex++]);
        for (const name of Object.keys(headers)) {
          const given = headers[name];
          if (Array.isArray(given)) {
            for (const one of given) {
              w.varIntBytes(name);
              w.varIntBytes(one);
            }
          } else {
            w.varIntBytes(name);
            w.varIntBytes(given);
          }
        }
      }
      w.buf.writeUInt32BE(crc32c(w.buf.subarray(crcAt + 4, w.offset)), crcAt);
    }
  }
  if (w.offset !== size) throw new Error(`produce request encoded ${w.offset} bytes of ${size} counted`);
  return encoded(w.buf);
}

const OURS = Symbol.for('ledger.produceEncoding');

/**
 * Puts `encodeProduceRequest` in front of kafkajs's produce requests (versions 3 and up) of every
 * client in this process; idempotent. Requests it does not cover keep kafkajs's encoder.
 */
export function useOwnProduceEncoding(): void {
  const original = requests.Produce;
  if (original[OURS]) return;
  requests.Produce = {
    [OURS]: true,
    versions: original.versions,
    protocol: ({ version }: { version: number }) => {
      const build = original.protocol({ version });
      if (Number(version) < 3 || typeof build !== 'function') return build;
      return (args: ProduceRequestArgs) => {
        const made = build(args);
        const theirs = made.request.encode;
        made.request.encode = async () => encodeProduceRequest(args) ?? theirs();
        return made;
      };
    },
  };
}
