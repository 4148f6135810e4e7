/**
 * CRC-32C (Castagnoli), the checksum of a Kafka record batch, eight bytes a step ("slicing by 8":
 * eight 256-entry tables, each the one before advanced by a byte). kafkajs's own takes one byte a
 * step: 172 µs for a 70 KB produce request of 100 ledger events on this VM, against 46 µs here.
 */
const POLYNOMIAL = 0x82f63b78; // reflected
const TABLES = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
  TABLES[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLES[n];
  for (let slice = 1; slice < 8; slice++) {
    c = TABLES[c & 0xff] ^ (c >>> 8);
    TABLES[slice * 256 + n] = c;
  }
}

/** The CRC-32C of `bytes`, unsigned. */
export function crc32c(bytes: Uint8Array): number {
  const t = TABLES;
  const length = bytes.length;
  const whole = length - (length & 7);
  let crc = -1;
  let i = 0;
  for (; i < whole; i += 8) {
    const low = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      t[1792 + (low & 0xff)] ^
      t[1536 + ((low >>> 8) & 0xff)] ^
      t[1280 + ((low >>> 16) & 0xff)] ^
      t[1024 + (low >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
