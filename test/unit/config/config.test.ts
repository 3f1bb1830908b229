import { expect } from 'chai';

import { ConfigError, DEFAULT_COLLECTIONS, loadConfig } from '../../../src/config/config.js';
import { testCertificates } from '../../support/test-ca.js';

/** Runs loadConfig and returns the message of the ConfigError it throws. */
function configErrorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  expect.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  context('when no variable is set', () => {
    const config = loadConfig({});

    it('listens on 127.0.0.1:4000', () => {
      expect(config.host).to.equal('127.0.0.1');
      expect(config.port).to.equal(4000);
    });

    it('uses the embedded database', () => {
      expect(config.mongodbUri).to.equal(undefined);
      expect(config.embeddedDbPort).to.equal(27027);
      expect(config.dataDir).to.equal('.hookmill');
      expect(config.dbName).to.equal('hookmill');
    });

    it('watches the default collections', () => {
      expect(config.collections).to.deep.equal(DEFAULT_COLLECTIONS);
    });

    it('uses the default delivery settings', () => {
      expect(config.logLevel).to.equal('info');
      expect(config.maxHooksPerChange).to.equal(10);
      expect(config.readyForAcceptanceStatus).to.equal(0);
      expect(config.deliveryTimeoutMs).to.equal(15_000);
      expect(config.deliveryConcurrency).to.equal(16);
      expect(config.deliveryPollIntervalMs).to.equal(500);
      expect(config.deliveryLeaseMs).to.equal(60_000);
      expect(config.retryDelaysSeconds).to.deep.equal([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
      expect(config.caFile).to.equal(undefined);
      expect(config.watcherMaxAwaitMs).to.equal(300);
    });
  });

  context('when variables are set', () => {
    it('reads them, trimming whitespace', () => {
      const config = loadConfig({
        HOOKMILL_PORT: ' 4100 ',
        HOOKMILL_LOG_LEVEL: 'debug',
        MONGODB_URI: 'mongodb://127.0.0.1:27017/?replicaSet=rs0',
        HOOKMILL_READY_FOR_ACCEPTANCE_STATUS: '-2',
        HOOKMILL_RETRY_DELAYS_SECONDS: '1, 2,3',
        HOOKMILL_CA_FILE: testCertificates().caFile,
      });

      expect(config.port).to.equal(4100);
      expect(config.logLevel).to.equal('debug');
      expect(config.mongodbUri).to.equal('mongodb://127.0.0.1:27017/?replicaSet=rs0');
      expect(config.readyForAcceptanceStatus).to.equal(-2);
      expect(config.retryDelaysSeconds).to.deep.equal([1, 2, 3]);
      expect(config.caFile).to.equal(testCertificates().caFile);
    });

    it('treats an empty value as unset', () => {
      expect(loadConfig({ HOOKMILL_PORT: '', MONGODB_URI: '  ' }).port).to.equal(4000);
      expect(loadConfig({ MONGODB_URI: '  ' }).mongodbUri).to.equal(undefined);
    });

    it('maps item types to collections, ignoring case', () => {
      const config = loadConfig({ HOOKMILL_COLLECTIONS: 'account=crm_accounts, Task = work.tasks' });

      expect(config.collections).to.deep.equal({ ...DEFAULT_COLLECTIONS, Account: 'crm_accounts', Task: 'work.tasks' });
    });
  });

  context('when the port is invalid', () => {
    for (const value of ['abc', '70000', '-1', '4000.5', '1e3']) {
      it(`names HOOKMILL_PORT for "${value}"`, () => {
        const message = configErrorOf({ HOOKMILL_PORT: value });

        expect(message).to.include(`HOOKMILL_PORT="${value}"`);
        expect(message).to.include('whole number from 0 to 65535');
      });
    }
  });

  it('names HOOKMILL_LOG_LEVEL for an unknown level', () => {
    const message = configErrorOf({ HOOKMILL_LOG_LEVEL: 'verbose' });

    expect(message).to.include('HOOKMILL_LOG_LEVEL="verbose"');
    expect(message).to.include('fatal, error, warn, info, debug, trace, silent');
  });

  context('when MONGODB_URI is invalid', () => {
    for (const value of ['http://127.0.0.1:27017', '127.0.0.1:27017', 'mongodb://']) {
      it(`names MONGODB_URI for "${value}"`, () => {
        const message = configErrorOf({ MONGODB_URI: value });

        expect(message).to.include('MONGODB_URI');
        expect(message).to.include('mongodb://');
      });
    }

    it('does not repeat the value, which may contain a password', () => {
      const message = configErrorOf({ MONGODB_URI: 'mongo://user:s3cret@127.0.0.1' });

      expect(message).not.to.include('s3cret');
    });
  });

  context('when HOOKMILL_COLLECTIONS is invalid', () => {
    for (const entry of ['Invoice=invoices', 'Account', 'Account=', 'Account=a=b', 'Account=crm accounts', 'Account=$accounts']) {
      it(`names the entry "${entry}"`, () => {
        const message = configErrorOf({ HOOKMILL_COLLECTIONS: entry });

        expect(message).to.include(`HOOKMILL_COLLECTIONS entry "${entry}"`);
        expect(message).to.include('ItemType=collection');
        expect(message).to.include('Project, Request, Account, Timereport, Task, Team, User, Assignment');
      });
    }

    it('names a collection given to two item types', () => {
      const message = configErrorOf({ HOOKMILL_COLLECTIONS: 'Account=tasks' });

      expect(message).to.include('HOOKMILL_COLLECTIONS');
      expect(message).to.include('"tasks"');
    });

    it('names a collection given twice in the variable', () => {
      const message = configErrorOf({ HOOKMILL_COLLECTIONS: 'Account=shared,Team=shared' });

      expect(message).to.include('"shared"');
    });
  });

  context('when HOOKMILL_RETRY_DELAYS_SECONDS is invalid', () => {
    const cases = ['0,5,abc', '-1', '1,,2', '1.5', '604801', Array.from({ length: 51 }, () => '1').join(',')];

    for (const value of cases) {
      it(`names the variable for "${value.slice(0, 20)}"`, () => {
        const message = configErrorOf({ HOOKMILL_RETRY_DELAYS_SECONDS: value });

        expect(message).to.include('HOOKMILL_RETRY_DELAYS_SECONDS');
        expect(message).to.include('1 to 50 comma-separated whole seconds');
      });
    }

    it('accepts 50 delays of 604800 seconds', () => {
      const value = Array.from({ length: 50 }, () => '604800').join(',');

      expect(loadConfig({ HOOKMILL_RETRY_DELAYS_SECONDS: value }).retryDelaysSeconds).to.have.lengthOf(50);
    });
  });

  context('when the lease is not larger than the timeout', () => {
    for (const lease of ['5000', '4000']) {
      it(`names both variables for a lease of ${lease} ms`, () => {
        const message = configErrorOf({ HOOKMILL_DELIVERY_TIMEOUT_MS: '5000', HOOKMILL_DELIVERY_LEASE_MS: lease });

        expect(message).to.include(`HOOKMILL_DELIVERY_LEASE_MS=${lease}`);
        expect(message).to.include('HOOKMILL_DELIVERY_TIMEOUT_MS=5000');
        expect(message).to.include('larger than');
      });
    }

    it('accepts a lease one millisecond longer', () => {
      const config = loadConfig({ HOOKMILL_DELIVERY_TIMEOUT_MS: '5000', HOOKMILL_DELIVERY_LEASE_MS: '5001' });

      expect(config.deliveryLeaseMs).to.equal(5001);
    });
  });

  context('when another number is out of range', () => {
    const cases: [string, string][] = [
      ['HOOKMILL_MAX_HOOKS_PER_CHANGE', '0'],
      ['HOOKMILL_DELIVERY_CONCURRENCY', '1001'],
      ['HOOKMILL_DELIVERY_POLL_INTERVAL_MS', '5'],
      ['HOOKMILL_DELIVERY_TIMEOUT_MS', 'fast'],
      ['HOOKMILL_WATCHER_MAX_AWAIT_MS', '10001'],
      ['HOOKMILL_EMBEDDED_DB_PORT', '65536'],
    ];

    for (const [name, value] of cases) {
      it(`names ${name}`, () => {
        expect(configErrorOf({ [name]: value })).to.include(`${name}="${value}"`);
      });
    }
  });
  context('when HOOKMILL_CA_FILE is unusable', () => {
    it('rejects a missing file', () => {
      expect(() => loadConfig({ HOOKMILL_CA_FILE: '/nonexistent/ca.pem' })).to.throw(
        ConfigError,
        'HOOKMILL_CA_FILE="/nonexistent/ca.pem" cannot be read (ENOENT)',
      );
    });

    it('rejects a file without certificates', () => {
      expect(() => loadConfig({ HOOKMILL_CA_FILE: 'package.json' })).to.throw(ConfigError, 'contains no PEM certificate');
    });
  });

  context('when HOOKMILL_COLLECTIONS names an item type twice', () => {
    it('names the item type', () => {
      expect(() => loadConfig({ HOOKMILL_COLLECTIONS: 'Account=accounts,account=crm' })).to.throw(
        ConfigError,
        'HOOKMILL_COLLECTIONS names Account twice',
      );
    });
  });
});
