import fc from 'fast-check';
import { crc32c } from './crc32c';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C');

describe('crc32c', () => {
  it('gives the published check value and nothing for no bytes', () => {
    // the CRC-32C catalogue's check: the ASCII digits 1 to 9
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // RFC 3720 (iSCSI), B.4: 32 bytes of zeros, of 0xff
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  it("agrees with kafkajs's byte-at-a-time CRC at every length and offset", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (bytes, skip) => {
        const view = Buffer.from(bytes).subarray(Math.min(skip, bytes.length));
        expect(crc32c(view)).toBe(kafkajsCrc32C(view));
      }),
      { numRuns: 500 },
    );
  });
});
