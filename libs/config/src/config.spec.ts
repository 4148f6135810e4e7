import { ConfigError, loadConfig } from './config';

describe('loadConfig: topic replication and the read replica', () => {
  it('defaults the ledger topics’ replication to auto', () => {
    expect(loadConfig({})).toMatchObject({ LEDGER_TOPIC_REPLICATION: 'auto', LEDGER_MIN_INSYNC_REPLICAS: 'auto' });
  });

  it('takes auto or a whole number of replicas', () => {
    expect(loadConfig({ LEDGER_TOPIC_REPLICATION: '3', LEDGER_MIN_INSYNC_REPLICAS: '2' })).toMatchObject({ LEDGER_TOPIC_REPLICATION: 3, LEDGER_MIN_INSYNC_REPLICAS: 2 });
    expect(loadConfig({ LEDGER_TOPIC_REPLICATION: 'auto', LEDGER_MIN_INSYNC_REPLICAS: '' })).toMatchObject({
      LEDGER_TOPIC_REPLICATION: 'auto',
      LEDGER_MIN_INSYNC_REPLICAS: 'auto',
    });
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['0', 'three', '-1', '2.5', '17']) {
      expect(() => loadConfig({ LEDGER_TOPIC_REPLICATION: value })).toThrow(ConfigError);
      expect(() => loadConfig({ LEDGER_TOPIC_REPLICATION: value })).toThrow('LEDGER_TOPIC_REPLICATION must be auto or a whole number from 1 to 16');
    }
    expect(() => loadConfig({ LEDGER_MIN_INSYNC_REPLICAS: 'all' })).toThrow('LEDGER_MIN_INSYNC_REPLICAS must be auto');
  });

  it('takes a postgres URL for the read replica', () => {
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://reader@replica:5432/ledger' }).DATABASE_READ_URL).toBe('postgres://reader@replica:5432/ledger');
    expect(() => loadConfig({ DATABASE_READ_URL: 'mysql://replica/ledger' })).toThrow('DATABASE_READ_URL must be a postgres:// or postgresql:// URL');
  });
});
