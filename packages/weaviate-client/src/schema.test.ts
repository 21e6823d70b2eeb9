import { describe, expect, it } from 'vitest';
import { planSchemaCreation } from './schema.js';

const seedSchema = {
  classes: [
    {
      class: 'Publication',
      properties: [
        { dataType: ['string'], name: 'name' },
        { dataType: ['Article'], name: 'hasArticles' },
        { dataType: ['geoCoordinates'], name: 'headquartersGeoLocation' },
      ],
    },
    {
      class: 'Article',
      properties: [
        { dataType: ['string'], name: 'title' },
        { dataType: ['text'], name: 'content' },
      ],
    },
    {
      class: 'Author',
      properties: [
        { dataType: ['string'], name: 'name' },
        { dataType: ['Article'], name: 'wroteArticles' },
        { dataType: ['Publication'], name: 'writesFor' },
      ],
    },
  ],
};

describe('planSchemaCreation', () => {
  it('orders the seed schema so every reference points at a class created before it', () => {
    const plan = planSchemaCreation(seedSchema.classes);
    expect(plan.classes.map((c) => c.class)).toEqual(['Article', 'Publication', 'Author']);
    expect(plan.laterProperties).toEqual([]);
    expect(plan.classes[1]!.properties!.map((p) => p.name)).toEqual([
      'name',
      'hasArticles',
      'headquartersGeoLocation',
    ]);
  });

  it('breaks the Author <-> Book cycle: one side first without its reference, added afterwards', () => {
    const plan = planSchemaCreation([
      {
        class: 'Author',
        properties: [
          { name: 'name', dataType: ['string'] },
          { name: 'wroteBooks', dataType: ['Book'] },
        ],
      },
      {
        class: 'Book',
        properties: [
          { name: 'title', dataType: ['text'] },
          { name: 'ofAuthor', dataType: ['Author'] },
        ],
      },
    ]);
    expect(plan.classes.map((c) => [c.class, (c.properties ?? []).map((p) => p.name)])).toEqual([
      ['Author', ['name']],
      ['Book', ['title', 'ofAuthor']],
    ]);
    expect(plan.laterProperties.map((l) => [l.className, l.property.name])).toEqual([
      ['Author', 'wroteBooks'],
    ]);
  });

  it('adds self-references after the class exists', () => {
    const plan = planSchemaCreation([{ class: 'Node', properties: [{ name: 'next', dataType: ['Node'] }] }]);
    expect(plan.classes[0]!.properties).toEqual([]);
    expect(plan.laterProperties.map((l) => l.property.name)).toEqual(['next']);
  });

  it('rejects malformed definitions and unknown targets before any request', () => {
    expect(() => planSchemaCreation([{ class: '1bad' }])).toThrow(
      expect.objectContaining({ name: 'SchemaValidationException' }),
    );
    expect(() => planSchemaCreation([{ class: 'A', properties: [{ name: 'x', dataType: [] }] }])).toThrow(
      /dataType/,
    );
    expect(() => planSchemaCreation([{ class: 'A' }, { class: 'A' }])).toThrow(/twice/);
    expect(() =>
      planSchemaCreation([{ class: 'A', properties: [{ name: 'r', dataType: ['Missing'] }] }]),
    ).toThrow(/Missing/);
  });
});
