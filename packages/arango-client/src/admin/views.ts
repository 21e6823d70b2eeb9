/**
 * Views (ArangoSearch and search-alias) and analyzers on the database wrapper (seed: "Views and
 * ArangoSearch", "Analyzers"). Mixed into `StandardDatabase` (see `./index.ts`).
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import {
  AnalyzerCreateError,
  AnalyzerDeleteError,
  AnalyzerGetError,
  AnalyzerListError,
  ViewCreateError,
  ViewDeleteError,
  ViewGetError,
  ViewListError,
  ViewRenameError,
  ViewReplaceError,
  ViewUpdateError,
} from './errors.js';
import { required, segment, stripEnvelope } from './util.js';

/** A view: `id`, `name`, `type` and, from the properties calls, its type-specific properties. */
export interface ViewInfo {
  id: string;
  name: string;
  /** "arangosearch" or "search-alias". */
  type: string;
  globallyUniqueId?: string;
  [k: string]: unknown;
}

/** Names a view and the properties to set (seed: `update_view(name, properties)`, ...). */
export interface ViewPropertiesOptions extends CallOptions {
  name: string;
  /** Properties to set: ArangoSearch `links`, `cleanupIntervalStep`, ... or search-alias `indexes`. */
  properties: Record<string, unknown>;
}

/** An analyzer: name (`<database>::<name>` for database analyzers), type, properties, features. */
export interface AnalyzerInfo {
  name: string;
  type: string;
  /** Properties to set: ArangoSearch `links`, `cleanupIntervalStep`, ... or search-alias `indexes`. */
  properties: Record<string, unknown>;
  features: string[];
  [k: string]: unknown;
}

/** The seed's `create_analyzer` keyword arguments. */
export interface CreateAnalyzerOptions extends CallOptions {
  name: string;
  /** "identity", "text", "norm", "delimiter", "stem", "ngram", "pipeline", ... */
  analyzerType: string;
  properties?: Record<string, unknown>;
  /** "frequency", "norm", "position", "offset". */
  features?: string[];
}

/** Body of POST /_api/view: name, type and the properties at the top level. Pure. */
export function createViewBody(
  name: string,
  viewType: string,
  properties: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return { ...properties, name: required('view name', name), type: required('view type', viewType) };
}

/**
 * The view and analyzer calls of the database wrapper. Applies to `StandardDatabase`; not used on
 * its own.
 */
export class ViewManagement extends ApiGroup {
  /** All views: `{ id, name, type, globallyUniqueId }` each (seed: `views`). */
  async views(options?: CallOptions): Promise<ViewInfo[]> {
    return this._call(this._req('GET', '/_api/view'), ViewListError, options, (body) => body.result);
  }

  /** A view with all its properties (seed: `view`; GET /_api/view/{name}/properties). */
  async view(name: string, options?: CallOptions): Promise<ViewInfo> {
    return this._call(
      this._req('GET', `/_api/view/${segment('view name', name)}/properties`),
      ViewGetError,
      options,
      stripEnvelope,
    );
  }

  /** A view's `id`, `name` and `type` only (python-arango: `view_info`; GET /_api/view/{name}). */
  async viewInfo(name: string, options?: CallOptions): Promise<ViewInfo> {
    return this._call(
      this._req('GET', `/_api/view/${segment('view name', name)}`),
      ViewGetError,
      options,
      stripEnvelope,
    );
  }

  /** Creates a view of any type (seed: `create_view(name, view_type, properties)`). */
  async createView(
    o: CallOptions & { name: string; viewType: string; properties?: Record<string, unknown> },
  ): Promise<ViewInfo> {
    return this._call(
      this._req('POST', '/_api/view', { body: createViewBody(o?.name, o?.viewType, o.properties) }),
      ViewCreateError,
      o,
      stripEnvelope,
    );
  }

  /** Changes the given properties of a view (seed: `update_view`; PATCH). */
  async updateView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this._call(
      this._req('PATCH', `/_api/view/${segment('view name', o?.name)}/properties`, { body: o.properties }),
      ViewUpdateError,
      o,
      stripEnvelope,
    );
  }

  /** Replaces a view's properties; unspecified ones get their defaults (seed: `replace_view`; PUT). */
  async replaceView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this._call(
      this._req('PUT', `/_api/view/${segment('view name', o?.name)}/properties`, { body: o.properties }),
      ViewReplaceError,
      o,
      stripEnvelope,
    );
  }

  /** Deletes a view by name or id; false when missing and `ignoreMissing` (seed: `delete_view`). */
  async deleteView(name: string, o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    return this._callIgnoreMissing(
      this._req('DELETE', `/_api/view/${segment('view name', name)}`),
      ViewDeleteError,
      o,
      o,
    );
  }

  /** Renames a view (seed: `rename_view`; single servers only). Returns true. */
  async renameView(name: string, newName: string, options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('PUT', `/_api/view/${segment('view name', name)}/rename`, {
        body: { name: required('new view name', newName) },
      }),
      ViewRenameError,
      options,
      () => true,
    );
  }

  /** Creates an ArangoSearch view (seed: `create_arangosearch_view(name, properties)`). */
  async createArangosearchView(
    o: CallOptions & { name: string; properties?: Record<string, unknown> },
  ): Promise<ViewInfo> {
    return this.createView({ ...o, viewType: 'arangosearch' });
  }

  /** Changes the given properties of an ArangoSearch view (seed: `update_arangosearch_view`). */
  async updateArangosearchView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this.updateView(o);
  }

  /** Replaces an ArangoSearch view's properties (seed: `replace_arangosearch_view`). */
  async replaceArangosearchView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this.replaceView(o);
  }

  /**
   * Creates a search-alias view over inverted indexes (ArangoDB 3.10+):
   * `createSearchAliasView({ name, properties: { indexes: [{ collection, index }] } })`.
   */
  async createSearchAliasView(
    o: CallOptions & { name: string; properties?: Record<string, unknown> },
  ): Promise<ViewInfo> {
    return this.createView({ ...o, viewType: 'search-alias' });
  }

  /** Adds or removes (`operation: 'del'`) indexes of a search-alias view (PATCH). */
  async updateSearchAliasView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this.updateView(o);
  }

  /** Replaces the index list of a search-alias view (PUT). */
  async replaceSearchAliasView(o: ViewPropertiesOptions): Promise<ViewInfo> {
    return this.replaceView(o);
  }

  /** All analyzers visible from this database (seed: `analyzers`). */
  async analyzers(options?: CallOptions): Promise<AnalyzerInfo[]> {
    return this._call(this._req('GET', '/_api/analyzer'), AnalyzerListError, options, (body) => body.result);
  }

  /** One analyzer (seed: `analyzer`). */
  async analyzer(name: string, options?: CallOptions): Promise<AnalyzerInfo> {
    return this._call(
      this._req('GET', `/_api/analyzer/${segment('analyzer name', name)}`),
      AnalyzerGetError,
      options,
      stripEnvelope,
    );
  }

  /** Creates an analyzer (seed: `create_analyzer(name, analyzer_type, properties, features)`). */
  async createAnalyzer(o: CreateAnalyzerOptions): Promise<AnalyzerInfo> {
    const body: Record<string, unknown> = {
      name: required('analyzer name', o?.name),
      type: required('analyzerType', o.analyzerType),
    };
    if (o.properties !== undefined) body.properties = o.properties;
    if (o.features !== undefined) body.features = o.features;
    return this._call(this._req('POST', '/_api/analyzer', { body }), AnalyzerCreateError, o, stripEnvelope);
  }

  /**
   * Deletes an analyzer; with `force` even while views use it; false when missing and
   * `ignoreMissing` (seed: `delete_analyzer`).
   */
  async deleteAnalyzer(
    name: string,
    o: CallOptions & { ignoreMissing?: boolean; force?: boolean } = {},
  ): Promise<boolean> {
    return this._callIgnoreMissing(
      this._req('DELETE', `/_api/analyzer/${segment('analyzer name', name)}`, { query: { force: o.force } }),
      AnalyzerDeleteError,
      o,
      o,
    );
  }
}
