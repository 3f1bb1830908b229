import { expect } from 'chai';

import { wantsHtml } from '../../../src/http/graphiql.js';

describe('wantsHtml', () => {
  it('is true for a browser navigation', () => {
    expect(wantsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).to.equal(true);
  });

  it('is false for a GraphQL client', () => {
    expect(wantsHtml('application/graphql-response+json, application/json')).to.equal(false);
  });

  it('is false without an Accept header', () => {
    expect(wantsHtml(undefined)).to.equal(false);
  });
});
