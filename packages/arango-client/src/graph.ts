import type { CallOptions } from '@dbwire/core';
import { ApiGroup, executeCursor } from './aql.js';
import {
  Collection,
  type DeleteOptions,
  type Document,
  type DocumentMetadata,
  type InsertOptions,
  type ReadOptions,
  type ReplaceOptions,
  stripMeta,
  type UpdateOptions,
} from './collection.js';
import type { Executor } from './connection.js';
import {
  ArangoClientError,
  DocumentDeleteError,
  DocumentGetError,
  DocumentInsertError,
  DocumentParseError,
  DocumentReplaceError,
  DocumentUpdateError,
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
import { type DocumentSelector, parseHandle, toBody } from './handles.js';

export interface EdgeDefinition {
  edgeCollection: string;
  fromVertexCollections: string[];
  toVertexCollections: string[];
}

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

/** Shared document calls of vertex and edge collections (through the graph API: /_api/gharial). */
abstract class GraphCollection<T extends Record<string, any>> extends Collection<T> {
  readonly graphName: string;
  protected abstract readonly _kind: 'vertex' | 'edge';
  constructor(exec: Executor, db: string, graph: string, name: string) {
    super(exec, db, name);
    this.graphName = graph;
  }
  protected _gpath(key?: string): string {
    const base = `/_api/gharial/${encodeURIComponent(this.graphName)}/${this._kind}/${encodeURIComponent(this.name)}`;
    return key === undefined ? base : `${base}/${encodeURIComponent(key)}`;
  }
  override async get(document: DocumentSelector, o: ReadOptions = {}): Promise<Document<T> | null> {
    const h = this._handle(document);
    const rev = o.rev ?? h.rev;
    const req = this._req('GET', this._gpath(h.key), { headers: this._revHeaders(rev, o.checkRev) });
    const res = await this._exec.send(req, o);
    if (res.status === 200) return res.body[this._kind];
    if (res.status === 404 && res.body?.errorNum === 1202) return null;
    throw this._fail(DocumentGetError, req, res);
  }
  override async insert(
    document: T | Record<string, unknown>,
    o: InsertOptions = {},
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    if (typeof document !== 'object' || document === null)
      throw new DocumentParseError('document must be an object');
    const req = this._req('POST', this._gpath(), {
      query: { waitForSync: o.sync, returnNew: o.returnNew },
      body: toBody(document, this.name),
    });
    const res = await this._exec.send(req, o);
    if (res.status === 201 || res.status === 202) return o.silent ? (true as any) : this.#meta(res.body);
    throw this._fail(DocumentInsertError, req, res);
  }
  #meta(body: Record<string, any>): DocumentMetadata & { [k: string]: any } {
    const out: any = { ...body[this._kind] };
    if (body.new !== undefined) out.new = body.new;
    if (body.old !== undefined) out.old = body.old;
    return out;
  }
  override async update(
    document: Partial<T> & DocumentSelector & object,
    o: UpdateOptions = {},
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    const h = this._handle(document);
    const req = this._req('PATCH', this._gpath(h.key), {
      query: { waitForSync: o.sync, keepNull: o.keepNone, returnOld: o.returnOld, returnNew: o.returnNew },
      headers: this._revHeaders(h.rev, o.checkRev),
      body: stripMeta(document),
    });
    const res = await this._exec.send(req, o);
    if (res.status === 200 || res.status === 202) return o.silent ? (true as any) : this.#meta(res.body);
    throw this._fail(DocumentUpdateError, req, res);
  }
  override async replace(
    document: T & DocumentSelector & object,
    o: ReplaceOptions = {},
  ): Promise<DocumentMetadata & { [k: string]: any }> {
    const h = this._handle(document);
    const req = this._req('PUT', this._gpath(h.key), {
      query: { waitForSync: o.sync, returnOld: o.returnOld, returnNew: o.returnNew },
      headers: this._revHeaders(h.rev, o.checkRev),
      body: stripMeta(document),
    });
    const res = await this._exec.send(req, o);
    if (res.status === 200 || res.status === 201 || res.status === 202)
      return o.silent ? (true as any) : this.#meta(res.body);
    throw this._fail(DocumentReplaceError, req, res);
  }
  override async delete(
    document: DocumentSelector,
    o: DeleteOptions = {},
  ): Promise<(DocumentMetadata & { [k: string]: any }) | boolean> {
    const h = this._handle(document);
    const req = this._req('DELETE', this._gpath(h.key), {
      query: { waitForSync: o.sync, returnOld: o.returnOld },
      headers: this._revHeaders(o.rev ?? h.rev, o.checkRev),
    });
    const res = await this._exec.send(req, o);
    if (res.status === 200 || res.status === 202)
      return o.silent || !o.returnOld ? true : { ...res.body.old, old: res.body.old };
    if (res.status === 404 && o.ignoreMissing && res.body?.errorNum === 1202) return false;
    throw this._fail(DocumentDeleteError, req, res);
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
    const body = await this._call(req, EdgeListError, o);
    return { edges: body.edges, stats: body.stats };
  }
}

export interface TraverseOptions extends CallOptions {
  startVertex: DocumentSelector;
  direction?: 'outbound' | 'inbound' | 'any';
  /** Traversal order: "bfs" (breadth-first) or "dfs" (depth-first). Default "bfs". */
  strategy?: 'bfs' | 'dfs' | 'breadthfirst' | 'depthfirst';
  /** "global" vertex uniqueness needs "bfs". Default "none". */
  vertexUniqueness?: 'none' | 'path' | 'global';
  /** AQL knows "none" and "path"; "global" is served as "path". Default "path". */
  edgeUniqueness?: 'none' | 'path' | 'global';
  minDepth?: number;
  /** Default 10 (the old traversal endpoint had no fixed limit; AQL needs one). */
  maxDepth?: number;
  /** Cap on visited paths (the old `maxIter`). */
  maxIter?: number;
  /** Per-vertex AQL filter expression on `v`/`e`/`p`, e.g. `v.age > 20` (the old `filterFunc`). */
  filter?: string;
  bindVars?: Record<string, unknown>;
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
  const uniqueEdges = o.edgeUniqueness === 'none' ? 'none' : 'path';
  const minDepth = o.minDepth ?? 0;
  const maxDepth = o.maxDepth ?? 10;
  if (!Number.isInteger(minDepth) || !Number.isInteger(maxDepth) || minDepth < 0 || maxDepth < minDepth) {
    throw new ArangoClientError('minDepth and maxDepth must be integers with 0 <= minDepth <= maxDepth');
  }
  const bindVars: Record<string, unknown> = { ...o.bindVars, start, graph, minDepth, maxDepth };
  let query =
    `FOR v, e, p IN @minDepth..@maxDepth ${direction} @start GRAPH @graph ` +
    `OPTIONS { order: "${order}", uniqueVertices: "${uniqueVertices}", uniqueEdges: "${uniqueEdges}" }`;
  if (o.filter) query += ` FILTER ${o.filter}`;
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

  async properties(options?: CallOptions): Promise<GraphProperties> {
    return formatGraph((await this._call(this._req('GET', this.#base), GraphPropertiesError, options)).graph);
  }

  // --- vertex collections ----------------------------------------------------------------------
  async vertexCollections(options?: CallOptions): Promise<string[]> {
    const body = await this._call(
      this._req('GET', `${this.#base}/vertex`),
      VertexCollectionListError,
      options,
    );
    return [...(body.collections as string[])].sort();
  }
  async hasVertexCollection(name: string, options?: CallOptions): Promise<boolean> {
    return (await this.vertexCollections(options)).includes(name);
  }
  vertexCollection<T extends Record<string, any> = Record<string, any>>(name: string): VertexCollection<T> {
    return new VertexCollection<T>(this._exec, this._db, this.name, name);
  }
  async createVertexCollection<T extends Record<string, any> = Record<string, any>>(
    name: string,
    options?: CallOptions,
  ): Promise<VertexCollection<T>> {
    await this._call(
      this._req('POST', `${this.#base}/vertex`, { body: { collection: name } }),
      VertexCollectionCreateError,
      options,
    );
    return this.vertexCollection<T>(name);
  }
  async deleteVertexCollection(name: string, o: CallOptions & { purge?: boolean } = {}): Promise<boolean> {
    await this._call(
      this._req('DELETE', `${this.#base}/vertex/${encodeURIComponent(name)}`, {
        query: { dropCollection: o.purge },
      }),
      VertexCollectionDeleteError,
      o,
    );
    return true;
  }

  // --- edge definitions ------------------------------------------------------------------------
  async edgeDefinitions(options?: CallOptions): Promise<EdgeDefinition[]> {
    const body = await this._call(this._req('GET', this.#base), EdgeDefinitionListError, options);
    return formatGraph(body.graph).edgeDefinitions;
  }
  async hasEdgeDefinition(name: string, options?: CallOptions): Promise<boolean> {
    return (await this.edgeDefinitions(options)).some((d) => d.edgeCollection === name);
  }
  async edgeCollections(options?: CallOptions): Promise<string[]> {
    const body = await this._call(this._req('GET', `${this.#base}/edge`), EdgeDefinitionListError, options);
    return [...(body.collections as string[])].sort();
  }
  async hasEdgeCollection(name: string, options?: CallOptions): Promise<boolean> {
    return (await this.edgeCollections(options)).includes(name);
  }
  edgeCollection<T extends Record<string, any> = Record<string, any>>(name: string): EdgeCollection<T> {
    return new EdgeCollection<T>(this._exec, this._db, this.name, name);
  }
  /** Adds an edge definition (creating missing collections); returns the edge collection wrapper. */
  async createEdgeDefinition<T extends Record<string, any> = Record<string, any>>(
    o: EdgeDefinition & CallOptions,
  ): Promise<EdgeCollection<T>> {
    await this._call(
      this._req('POST', `${this.#base}/edge`, { body: edgeDefinitionBody(o) }),
      EdgeDefinitionCreateError,
      o,
    );
    return this.edgeCollection<T>(o.edgeCollection);
  }
  async replaceEdgeDefinition<T extends Record<string, any> = Record<string, any>>(
    o: EdgeDefinition & CallOptions,
  ): Promise<EdgeCollection<T>> {
    const body = edgeDefinitionBody(o);
    await this._call(
      this._req('PUT', `${this.#base}/edge/${encodeURIComponent(o.edgeCollection)}`, { body }),
      EdgeDefinitionReplaceError,
      o,
    );
    return this.edgeCollection<T>(o.edgeCollection);
  }
  /** Removes an edge definition; `purge` also drops the edge collection. */
  async deleteEdgeDefinition(
    name: string,
    o: CallOptions & { purge?: boolean; sync?: boolean } = {},
  ): Promise<boolean> {
    await this._call(
      this._req('DELETE', `${this.#base}/edge/${encodeURIComponent(name)}`, {
        query: { dropCollections: o.purge, waitForSync: o.sync },
      }),
      EdgeDefinitionDeleteError,
      o,
    );
    return true;
  }

  // --- vertices and edges by id ----------------------------------------------------------------
  async insertVertex(collection: string, vertex: Record<string, unknown>, o?: InsertOptions) {
    return this.vertexCollection(collection).insert(vertex, o);
  }
  async vertex(vertex: DocumentSelector, o?: ReadOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).get(vertex, o);
  }
  async hasVertex(vertex: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return (await this.vertex(vertex, o)) !== null;
  }
  async updateVertex(vertex: DocumentSelector & object, o?: UpdateOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).update(vertex as any, o);
  }
  async replaceVertex(vertex: DocumentSelector & object, o?: ReplaceOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).replace(vertex as any, o);
  }
  async deleteVertex(vertex: DocumentSelector, o?: DeleteOptions) {
    return this.vertexCollection(parseHandle(vertex).collection).delete(vertex, o);
  }
  async insertEdge(collection: string, edge: Record<string, unknown>, o?: InsertOptions) {
    return this.edgeCollection(collection).insert(edge, o);
  }
  async edge(edge: DocumentSelector, o?: ReadOptions) {
    return this.edgeCollection(parseHandle(edge).collection).get(edge, o);
  }
  async hasEdge(edge: DocumentSelector, o?: ReadOptions): Promise<boolean> {
    return (await this.edge(edge, o)) !== null;
  }
  async updateEdge(edge: DocumentSelector & object, o?: UpdateOptions) {
    return this.edgeCollection(parseHandle(edge).collection).update(edge as any, o);
  }
  async replaceEdge(edge: DocumentSelector & object, o?: ReplaceOptions) {
    return this.edgeCollection(parseHandle(edge).collection).replace(edge as any, o);
  }
  async deleteEdge(edge: DocumentSelector, o?: DeleteOptions) {
    return this.edgeCollection(parseHandle(edge).collection).delete(edge, o);
  }
  async link(
    collection: string,
    from: DocumentSelector,
    to: DocumentSelector,
    o?: InsertOptions & { data?: Record<string, unknown> },
  ) {
    return this.edgeCollection(collection).link(from, to, o);
  }
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
    const cursor = await executeCursor<{
      vertex: Document;
      path: { vertices: Document[]; edges: Document[] };
    }>(this._exec, this._db, { query, bindVars, batchSize: 1000 }, o, GraphTraverseError);
    const vertices: Document[] = [];
    const seen = new Set<string>();
    const paths: Array<{ vertices: Document[]; edges: Document[] }> = [];
    for await (const row of cursor) {
      if (row.vertex && !seen.has(row.vertex._id)) {
        seen.add(row.vertex._id);
        vertices.push(row.vertex);
      }
      paths.push({ vertices: row.path.vertices, edges: row.path.edges });
    }
    return { vertices, paths };
  }
}
