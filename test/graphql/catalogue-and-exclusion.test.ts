import { expect } from 'chai';

import { setExcludeAll, setExcludedFields } from '../../src/admin/admin.service.js';
import { EVENT_NAMES } from '../../src/events/catalogue.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

interface Definition {
  name: string;
  itemType: string;
  description: string;
  supportsEventUser: boolean;
  supportsEventProject: boolean;
}

interface Exclusion {
  excludeAll: boolean;
  excludedFields: { itemType: string; fields: string[] }[];
}

const DEFINITIONS = '{ hookDefinitions { name itemType description supportsEventUser supportsEventProject } }';
const EXCLUSION = '{ payloadExclusion { excludeAll excludedFields { itemType fields } } }';

describe('GraphQL hookDefinitions', () => {
  let service: TestService;
  let definitions: Definition[];

  before(async () => {
    service = await startTestService();
    const { apiKey } = await createUserWithKey();
    const response = await graphql<{ hookDefinitions: Definition[] }>(service.graphqlUrl, DEFINITIONS, { apiKey });
    expect(response.errors).to.equal(undefined);
    definitions = response.data!.hookDefinitions;
  });

  after(async () => {
    await service?.stop();
  });

  it('lists all 25 events in catalogue order', () => {
    expect(definitions).to.have.lengthOf(25);
    expect(definitions.map((definition) => definition.name)).to.deep.equal(EVENT_NAMES);
  });

  it('gives each event its item type and a description', () => {
    for (const definition of definitions) {
      const prefix = definition.name.split('.')[0];
      expect(definition.itemType.toLowerCase(), definition.name).to.equal(prefix);
      expect(definition.description.trim(), definition.name).not.to.equal('');
    }
  });

  it('marks only request.update and timereport.update as filterable', () => {
    const withUser = definitions.filter((definition) => definition.supportsEventUser).map((definition) => definition.name);
    const withProject = definitions.filter((definition) => definition.supportsEventProject).map((definition) => definition.name);

    expect(withUser).to.deep.equal(['request.update', 'timereport.update']);
    expect(withProject).to.deep.equal(['request.update', 'timereport.update']);
  });

  it('includes timereport.readyforacceptance', () => {
    const ready = definitions.find((definition) => definition.name === 'timereport.readyforacceptance');

    expect(ready?.itemType).to.equal('Timereport');
  });
});

describe('GraphQL payloadExclusion', () => {
  let service: TestService | undefined;

  after(async () => {
    await service?.stop();
  });

  it('is empty by default, then shows what administrators set', async () => {
    service = await startTestService();
    const { dbName } = service;
    const { apiKey } = await createUserWithKey();

    const initial = await graphql<{ payloadExclusion: Exclusion }>(service.graphqlUrl, EXCLUSION, { apiKey });
    expect(initial.errors).to.equal(undefined);
    expect(initial.data!.payloadExclusion).to.deep.equal({ excludeAll: false, excludedFields: [] });

    await setExcludedFields('Account', ['phone', 'address.street']);
    await setExcludedFields('User', ['email']);
    await setExcludedFields('User', []);
    await setExcludeAll(true);

    // The service caches the configuration for 2 s; a new service on the same database reads it afresh.
    await service.stop();
    service = await startTestService({}, dbName);

    const updated = await graphql<{ payloadExclusion: Exclusion }>(service.graphqlUrl, EXCLUSION, { apiKey });
    expect(updated.errors).to.equal(undefined);
    expect(updated.data!.payloadExclusion).to.deep.equal({
      excludeAll: true,
      excludedFields: [{ itemType: 'Account', fields: ['phone', 'address.street'] }],
    });
  });
});
