import type { CallOptions } from '@dbwire/core';
import { ApiGroup, cursorOperation } from './aql.js';
import {
  Collection,
  type DeleteOptions,
  type Document,
  type DocumentMetadata,
  type Filters,
  filterClause,
  type InsertOptions,
  type ReadOptions,
  type ReplaceOptions,
  type UpdateOptions,
} from './collection.js';
import type { Executor } from './connection.js';
import {
  ArangoClientError,
  DocumentParseError,
  EdgeDefinitionCreateError,
  EdgeDefinitionDeleteError,
  EdgeDefinitionListError,
  EdgeDefinitionReplaceError,
  EdgeListError,
  GraphPropertiesError,
  GraphTraverseError,
  VertexCollectionCreateError,
  VertexCollectionDeleteError,
  VertexCollectionListError,
} from './errors.js';
import { type DocumentSelector, parseHandle } from './handles.js';

/** An edge definition: the edge collection and the vertex collections it links. */
export interface EdgeDefinition {
  edgeCollection: string;
  fromVertexCollections: string[];
  toVertexCollections: string[];
}

/** Graph properties as the seed shows them, plus the server's fields. */
export interface GraphProperties {
  id: string;
  name: string;
  revision?: string;
  edgeDefinitions: EdgeDefinition[];
  orphanCollections: string[];
  smart?: boolean;
  disjoint?: boolean;
  [k: string]: unknown;
}

/** The server's graph object with the seed's names (`edgeDefinitions` as `{edgeCollection, ...}`). */
export function formatGraph(g: Record<string, any>): GraphProperties {
  return {
    ...g,
    id: g._id ?? g.name,
    name: g.name ?? g._key,
    revision: g._rev,
    edgeDefinitions: (g.edgeDefinitions ?? []).map((d: any) => ({
      edgeCollection: d.collection,
      fromVertexCollections: d.from,
      toVertexCollections: d.to,
    })),
    orphanCollections: g.orphanCollections ?? [],
    smart: g.isSmart,
    disjoint: g.isDisjoint,
  };
}

/** Wire form of an edge definition. */
export function edgeDefinitionBody(d: EdgeDefinition): { collection: string; from: string[]; to: string[] } {
  if (!d || typeof d.edgeCollection !== 'string' || !d.edgeCollection) {
    throw new ArangoClientError('edgeCollection must be a non-empty string');
  }
  if (!Array.isArray(d.fromVertexCollections) || !Array.isArray(d.toVertexCollections)) {
    throw new ArangoClientError('fromVertexCollections and toVertexCollections must be arrays of names');
  }
  return { collection: d.edgeCollection, from: d.fromVertexCollections, to: d.toVertexCollections };
}

/** The query parameters the graph API's vertex/edge routes know (`silent` is answered client-side). */
const GRAPH_DOC_PARAMS: ReadonlySet<string> = new Set(['waitForSync', 'returnNew', 'returnOld', 'keepNull']);

/**
 * Vertex and edge collections: Collection's document calls (one implementation), routed through the
 * graph API (/_api/gharial/<graph>/<vertex|edge>/<collection>) so the graph's edge definitions are
 * enforced, with the answer unwrapped from its `vertex`/`edge` field.
 */
abstract class GraphCollection<T extends Record<string, any>> extends Collection<T> {
  readonly graphName: string;
  protected abstract readonly _kind: 'vertex' | 'edge';
  constructor(exec: Executor, db: string, graph: string, name: string) {
    super(exec, db, name);
    this.graphName = graph;
  }
  protected override _docRoute(key?: string): string {
    const base = `/_api/gharial/${encodeURIComponent(this.graphName)}/${this._kind}/${encodeURIComponent(this.name)}`;
    return key === undefined ? base : `${base}/${encodeURIComponent(key)}`;
  }
  protected override _docParams(): ReadonlySet<string> {
    return GRAPH_DOC_PARAMS;
  }
  /** Existence through the graph API's GET (it has no HEAD route). */
  override async has(document: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return this._read(document, o, (doc) => doc !== null);
  }
  protected override _docBody(body: any): any {
    return body[this._kind];
  }
  /** Metadata under `vertex`/`edge`, with `new`/`old` beside it; a delete answers `true` or `{ ...old, old }`. */
  protected override _docResult(body: any, kind: 'insert' | 'update' | 'replace' | 'delete'): any {
    if (kind === 'delete') return body.old === undefined ? true : { ...body.old, old: body.old };
    const out: any = { ...body[this._kind] };
    if (body.new !== undefined) out.new = body.new;
    if (body.old !== undefined) out.old = body.old;
    return out;
  }
}

/** Vertex collection of a graph: the collection API, document writes through the graph API. */
export class VertexCollection<
  T extends Record<string, any> = Record<string, any>,
> extends GraphCollection<T> {
  protected readonly _kind = 'vertex' as const;
}

/** Edge collection of a graph: the collection API plus `link()` and `edges()`. */
export class EdgeCollection<T extends Record<string, any> = Record<string, any>> extends GraphCollection<T> {
  protected readonly _kind = 'edge' as const;

  /** Inserts an edge from `from` to `to` (ids or bodies with `_id`) carrying `data`. */
  async link(
    from: DocumentSelector,
    to: DocumentSelector,
    o: InsertOptions & { data?: Record<string, unknown> } = {},
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    const edge = { ...o.data, _from: parseHandle(from).id, _to: parseHandle(to).id };
    return this.insert(edge, o);
  }

  /** Edges starting or ending at `vertex`: `{ edges, stats }`. */
  async edges(
    vertex: DocumentSelector,
    o: CallOptions & { direction?: 'in' | 'out' | 'any'; allowDirtyRead?: boolean } = {},
  ): Promise<{ edges: Document[]; stats: Record<string, unknown> }> {
    const id = parseHandle(vertex).id;
    const direction = o.direction === 'any' ? undefined : o.direction;
    const req = this._req('GET', `/_api/edges/${encodeURIComponent(this.name)}`, {
      query: { vertex: id, direction },
      headers: o.allowDirtyRead ? { 'x-arango-allow-dirty-read': 'true' } : undefined,
    });
    return this._call(req, EdgeListError, o, (body) => ({ edges: body.edges, stats: body.stats }));
  }
}

/** Options of `graph.traverse()` (the seed's keyword arguments). */
export interface TraverseOptions extends CallOptions {
  startVertex: DocumentSelector;
  direction?: 'outbound' | 'inbound' | 'any';
  /** Traversal order: "bfs" (breadth-first) or "dfs" (depth-first). Default "bfs". */
  strategy?: 'bfs' | 'dfs' | 'breadthfirst' | 'depthfirst';
  /** "global" vertex uniqueness needs "bfs". Default "none". */
  vertexUniqueness?: 'none' | 'path' | 'global';
  /**
   * Default "path". AQL has no global edge uniqueness of its own: "global" is accepted together with
   * `vertexUniqueness: 'global'`, which already expands every vertex once and so follows every edge
   * at most once (the same result); alone it is a usage error rather than a silent downgrade.
   */
  edgeUniqueness?: 'none' | 'path' | 'global';
  minDepth?: number;
  /** Default 10 (the old traversal endpoint had no fixed limit; AQL needs one). */
  maxDepth?: number;
  /** Cap on visited paths (the old `maxIter`). */
  maxIter?: number;
  /**
   * Which visited vertices are returned (the old `filterFunc`): either an object of vertex field →
   * value (equality, values sent as bind parameters, like `find()`), or one AQL boolean expression
   * over `v`, `e` and `p` (e.g. `v.age > @minAge`, values in `bindVars`). The expression is checked
   * before any I/O: it may not contain an AQL operation keyword (FOR, RETURN, LET, INSERT, REMOVE,
   * ...), a comment, a `;` or unbalanced brackets or quotes, so it cannot change the statement.
   */
  filter?: string | Filters;
  bindVars?: Record<string, unknown>;
}

const AQL_OPERATIONS = new Set([
  'FOR',
  'RETURN',
  'FILTER',
  'SEARCH',
  'SORT',
  'LIMIT',
  'LET',
  'COLLECT',
  'WINDOW',
  'INSERT',
  'UPDATE',
  'REPLACE',
  'REMOVE',
  'UPSERT',
  'WITH',
  'PRUNE',
  'OPTIONS',
  'INTO',
  'GRAPH',
]);

/**
 * Checks a traversal filter expression: outside string literals it may hold no AQL operation
 * keyword, no comment, no `;`, and its brackets must balance, so pasting it after FILTER cannot end
 * the expression and start another operation. Returns the expression. Pure.
 */
export function checkFilterExpression(expr: string): string {
  if (typeof expr !== 'string' || !expr.trim())
    throw new ArangoClientError('filter must be a non-empty AQL expression');
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '"' || c === "'" || c === '`' || c === '´') {
      const end = c;
      i++;
      while (i < expr.length && expr[i] !== end) i += expr[i] === '\\' ? 2 : 1;
      if (i >= expr.length) throw new ArangoClientError('filter has an unterminated string or name');
      i++;
      continue;
    }
    if ((c === '/' && (expr[i + 1] === '/' || expr[i + 1] === '*')) || c === ';') {
      throw new ArangoClientError('filter may not contain comments or ";"');
    }
    if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in closing) {
      if (stack.pop() !== closing[c]) throw new ArangoClientError('filter has unbalanced brackets');
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < expr.length && /[A-Za-z0-9_]/.test(expr[j] as string)) j++;
      const word = expr.slice(i, j);
      if (AQL_OPERATIONS.has(word.toUpperCase()) && expr[i - 1] !== '.' && expr[i - 1] !== '@') {
        throw new ArangoClientError(`filter may not contain the AQL keyword ${word.toUpperCase()}`);
      }
      i = j;
      continue;
    }
    i++;
  }
  if (stack.length) throw new ArangoClientError('filter has unbalanced brackets');
  return expr;
}

/** The AQL query and bind variables of a traversal. Pure. */
export function traversalQuery(
  graph: string,
  o: TraverseOptions,
): { query: string; bindVars: Record<string, unknown> } {
  const start = parseHandle(o.startVertex).id;
  const direction = (o.direction ?? 'outbound').toUpperCase();
  if (!['OUTBOUND', 'INBOUND', 'ANY'].includes(direction)) {
    throw new ArangoClientError(`direction must be "outbound", "inbound" or "any", got "${o.direction}"`);
  }
  const strategy = o.strategy ?? 'bfs';
  const order = strategy === 'dfs' || strategy === 'depthfirst' ? 'dfs' : 'bfs';
  const uniqueVertices = o.vertexUniqueness ?? 'none';
  if (uniqueVertices === 'global' && order !== 'bfs') {
    throw new ArangoClientError('vertexUniqueness "global" requires strategy "bfs"');
  }
  const edgeUniqueness = o.edgeUniqueness ?? 'path';
  if (!['none', 'path', 'global'].includes(edgeUniqueness)) {
    throw new ArangoClientError(`edgeUniqueness must be "none", "path" or "global", got "${edgeUniqueness}"`);
  }
  if (edgeUniqueness === 'global' && uniqueVertices !== 'global') {
    throw new ArangoClientError(
      'edgeUniqueness "global" needs vertexUniqueness "global" (AQL has no global edge uniqueness of its own)',
    );
  }
  // With global vertex uniqueness every vertex is expanded once, so every edge is followed at most once.
  const uniqueEdges = edgeUniqueness === 'none' ? 'none' : 'path';
  const minDepth = o.minDepth ?? 0;
  const maxDepth = o.maxDepth ?? 10;
  if (!Number.isInteger(minDepth) || !Number.isInteger(maxDepth) || minDepth < 0 || maxDepth < minDepth) {
    throw new ArangoClientError('minDepth and maxDepth must be integers with 0 <= minDepth <= maxDepth');
  }
  const bindVars: Record<string, unknown> = { ...o.bindVars, start, graph, minDepth, maxDepth };
  let query =
    `FOR v, e, p IN @minDepth..@maxDepth ${direction} @start GRAPH @graph ` +
    `OPTIONS { order: "${order}", uniqueVertices: "${uniqueVertices}", uniqueEdges: "${uniqueEdges}" }`;
  if (typeof o.filter === 'string') query += ` FILTER (${checkFilterExpression(o.filter)})`;
  else if (o.filter !== undefined) query += filterClause(o.filter, bindVars, 'v', 'tf');
  if (o.maxIter !== undefined) {
    bindVars.maxIter = o.maxIter;
    query += ' LIMIT @maxIter';
  }
  query += ' RETURN { vertex: v, path: p }';
  return { query, bindVars };
}

/** Graph API wrapper (`db.graph('school')`). */
export class Graph extends ApiGroup {
  readonly name: string;
  readonly #base: string;
  constructor(exec: Executor, db: string, name: string) {
    super(exec, db);
    if (typeof name !== 'string' || !name)
      throw new DocumentParseError('graph name must be a non-empty string');
    this.name = name;
    this.#base = `/_api/gharial/${encodeURIComponent(name)}`;
  }

  /** The graph properties, with the seed's names. */
  async properties(options?: CallOptions): Promise<GraphProperties> {
    return this._call(this._req('GET', this.#base), GraphPropertiesError, options, (body) =>
      formatGraph(body.graph),
    );
  }

  // --- vertex collections ----------------------------------------------------------------------
  /** The names of the graph's vertex collections, sorted. */
  async vertexCollections(options?: CallOptions): Promise<string[]> {
    return this._call(this._req('GET', `${this.#base}/vertex`), VertexCollectionListError, options, (body) =>
      [...(body.collections as string[])].sort(),
    );
  }
  /** True when the graph has this vertex collection. */
  async hasVertexCollection(name: string, options?: CallOptions): Promise<boolean> {
    return this._call(this._req('GET', `${this.#base}/vertex`), VertexCollectionListError, options, (body) =>
      (body.collections as string[]).includes(name),
    );
  }
  /** The wrapper of vertex collection `name` (no request). */
  vertexCollection<T extends Record<string, any> = Record<string, any>>(name: string): VertexCollection<T> {
    return new VertexCollection<T>(this._exec, this._db, this.name, name);
  }
  /** Adds a vertex collection to the graph (creating it when missing); returns its wrapper. */
  async createVertexCollection<T extends Record<string, any> = Record<string, any>>(
    name: string,
    options?: CallOptions,
  ): Promise<VertexCollection<T>> {
    return this._call(
      this._req('POST', `${this.#base}/vertex`, { body: { collection: name } }),
      VertexCollectionCreateError,
      options,
      () => this.vertexCollection<T>(name),
    );
  }
  /** Removes a vertex collection from the graph (`purge` also drops it). Returns true. */
  async deleteVertexCollection(name: string, o: CallOptions & { purge?: boolean } = {}): Promise<boolean> {
    return this._call(
      this._req('DELETE', `${this.#base}/vertex/${encodeURIComponent(name)}`, {
        query: { dropCollection: o.purge },
      }),
      VertexCollectionDeleteError,
      o,
      () => true,
    );
  }

  // --- edge definitions ------------------------------------------------------------------------
  /** The graph's edge definitions. */
  async edgeDefinitions(options?: CallOptions): Promise<EdgeDefinition[]> {
    return this._call(
      this._req('GET', this.#base),
      EdgeDefinitionListError,
      options,
      (body) => formatGraph(body.graph).edgeDefinitions,
    );
  }
  /** True when the graph has an edge definition for this collection. */
  async hasEdgeDefinition(name: string, options?: CallOptions): Promise<boolean> {
    return this._call(this._req('GET', this.#base), EdgeDefinitionListError, options, (body) =>
      formatGraph(body.graph).edgeDefinitions.some((d) => d.edgeCollection === name),
    );
  }
  /** The names of the graph's edge collections, sorted. */
  async edgeCollections(options?: CallOptions): Promise<string[]> {
    return this._call(this._req('GET', `${this.#base}/edge`), EdgeDefinitionListError, options, (body) =>
      [...(body.collections as string[])].sort(),
    );
  }
  /** True when the graph has this edge collection. */
  async hasEdgeCollection(name: string, options?: CallOptions): Promise<boolean> {
    return this._call(this._req('GET', `${this.#base}/edge`), EdgeDefinitionListError, options, (body) =>
      (body.collections as string[]).includes(name),
    );
  }
  /** The wrapper of edge collection `name` (no request). */
  edgeCollection<T extends Record<string, any> = Record<string, any>>(name: string): EdgeCollection<T> {
    return new EdgeCollection<T>(this._exec, this._db, this.name, name);
  }
  /** Adds an edge definition (creating missing collections); returns the edge collection wrapper. */
  async createEdgeDefinition<T extends Record<string, any> = Record<string, any>>(
    o: EdgeDefinition & CallOptions,
  ): Promise<EdgeCollection<T>> {
    return this._call(
      this._req('POST', `${this.#base}/edge`, { body: edgeDefinitionBody(o) }),
      EdgeDefinitionCreateError,
      o,
      () => this.edgeCollection<T>(o.edgeCollection),
    );
  }
  /** Replaces an edge definition; returns the edge collection wrapper. */
  async replaceEdgeDefinition<T extends Record<string, any> = Record<string, any>>(
    o: EdgeDefinition & CallOptions,
  ): Promise<EdgeCollection<T>> {
    const body = edgeDefinitionBody(o);
    return this._call(
      this._req('PUT', `${this.#base}/edge/${encodeURIComponent(o.edgeCollection)}`, { body }),
      EdgeDefinitionReplaceError,
      o,
      () => this.edgeCollection<T>(o.edgeCollection),
    );
  }
  /** Removes an edge definition; `purge` also drops the edge collection. */
  async deleteEdgeDefinition(
    name: string,
    o: CallOptions & { purge?: boolean; sync?: boolean } = {},
  ): Promise<boolean> {
    return this._call(
      this._req('DELETE', `${this.#base}/edge/${encodeURIComponent(name)}`, {
        query: { dropCollections: o.purge, waitForSync: o.sync },
      }),
      EdgeDefinitionDeleteError,
      o,
      () => true,
    );
  }

  // --- vertices and edges by id ----------------------------------------------------------------
  /** A vertex by id; null when missing. */
  async vertex(vertex: DocumentSelector, o?: ReadOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).get(vertex, o);
  }
  /** True when the vertex exists. */
  async hasVertex(vertex: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return this.vertexCollection(parseHandle(vertex).collection).has(vertex, o);
  }
  /** Updates a vertex given with its `_id`. */
  async updateVertex(vertex: DocumentSelector & object, o?: UpdateOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).update(vertex as any, o);
  }
  /** Replaces a vertex given with its `_id`. */
  async replaceVertex(vertex: DocumentSelector & object, o?: ReplaceOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).replace(vertex as any, o);
  }
  /** Deletes a vertex by id. */
  async deleteVertex(vertex: DocumentSelector, o?: DeleteOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).delete(vertex, o);
  }
  /**
   * Inserts an edge into `collection`. The seed's keyword form is
   * `insertEdge({ collection, edge, ...options })`; `insertEdge(collection, edge, options)` also works.
   */
  async insertEdge(
    collectionOrSpec: string | (InsertOptions & { collection: string; edge: Record<string, unknown> }),
    edge?: Record<string, unknown>,
    o?: InsertOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    if (typeof collectionOrSpec === 'string')
      return this.edgeCollection(collectionOrSpec).insert(edge ?? {}, o);
    const { collection, edge: body, ...options } = collectionOrSpec;
    return this.edgeCollection(collection).insert(body, options);
  }
  /** Inserts a vertex; also `insertVertex({ collection, vertex, ...options })` (the seed's keyword form). */
  async insertVertex(
    collectionOrSpec: string | (InsertOptions & { collection: string; vertex: Record<string, unknown> }),
    vertex?: Record<string, unknown>,
    o?: InsertOptions,
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    if (typeof collectionOrSpec === 'string')
      return this.vertexCollection(collectionOrSpec).insert(vertex ?? {}, o);
    const { collection, vertex: body, ...options } = collectionOrSpec;
    return this.vertexCollection(collection).insert(body, options);
  }
  /** An edge by id; null when missing. */
  async edge(edge: DocumentSelector, o?: ReadOptions) {
    return this.edgeCollection(parseHandle(edge).collection).get(edge, o);
  }
  /** True when the edge exists. */
  async hasEdge(edge: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return this.edgeCollection(parseHandle(edge).collection).has(edge, o);
  }
  /** Updates an edge given with its `_id`. */
  async updateEdge(edge: DocumentSelector & object, o?: UpdateOptions) {
    return this.edgeCollection(parseHandle(edge).collection).update(edge as any, o);
  }
  /** Replaces an edge given with its `_id`. */
  async replaceEdge(edge: DocumentSelector & object, o?: ReplaceOptions) {
    return this.edgeCollection(parseHandle(edge).collection).replace(edge as any, o);
  }
  /** Deletes an edge by id. */
  async deleteEdge(edge: DocumentSelector, o?: DeleteOptions) {
    return this.edgeCollection(parseHandle(edge).collection).delete(edge, o);
  }
  /** Inserts an edge from `from` to `to` into `collection`, carrying `data`. */
  async link(
    collection: string,
    from: DocumentSelector,
    to: DocumentSelector,
    o?: InsertOptions & { data?: Record<string, unknown> },
  ) {
    return this.edgeCollection(collection).link(from, to, o);
  }
  /** The edges of `collection` starting or ending at `vertex`: `{ edges, stats }`. */
  async edges(
    collection: string,
    vertex: DocumentSelector,
    o?: CallOptions & { direction?: 'in' | 'out' | 'any' },
  ) {
    return this.edgeCollection(collection).edges(vertex, o);
  }

  /**
   * Traverses the graph from `startVertex` (over AQL: ArangoDB 3.12 removed /_api/traversal) and
   * returns the visited `vertices` (each once, in visiting order) and every `paths` entry
   * (`{ vertices, edges }`), as the old endpoint did.
   */
  async traverse(
    o: TraverseOptions,
  ): Promise<{ vertices: Document[]; paths: Array<{ vertices: Document[]; edges: Document[] }> }> {
    const { query, bindVars } = traversalQuery(this.name, o);
    const { req, decode } = cursorOperation<{
      vertex: Document;
      path: { vertices: Document[]; edges: Document[] };
    }>(this._exec, this._db, { query, bindVars, batchSize: 1000 }, o, GraphTraverseError);
    // The decoder drains the cursor (its batches go straight to the connection), so a deferred
    // context's job result is the whole traversal too.
    return this._run(
      req,
      async (res) => {
        const vertices: Document[] = [];
        const seen = new Set<string>();
        const paths: Array<{ vertices: Document[]; edges: Document[] }> = [];
        for await (const row of decode(res)) {
          if (row.vertex && !seen.has(row.vertex._id)) {
            seen.add(row.vertex._id);
            vertices.push(row.vertex);
          }
          paths.push({ vertices: row.path.vertices, edges: row.path.edges });
        }
        return { vertices, paths };
      },
      o,
    );
  }
}
