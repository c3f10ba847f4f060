/** Response schemas of the reference geography: communes, departments, size classes, services. */
import { Type as T } from 'typebox';
import { Closed, MultiPolygonGeometry, OrNull, PointGeometry, PolygonGeometry } from './common.js';

/** Communes found by a search. */
export const CommuneList = Closed({ items: T.Array(Closed({
  insee: T.String(), name: T.String(), kind: T.String({ description: 'COM commune, ARM municipal district (Paris, Lyon, Marseille)' }), department_code: T.String(),
  population: OrNull(T.Integer()), size_class: T.String(), longitude: T.Number(), latitude: T.Number(),
})) });
/** A department outline (coordinates passed through as computed: Polygon or MultiPolygon). */
const DepartmentOutlineGeometry = T.Unsafe<GeoJSON.Geometry>({
  type: 'object', required: ['type', 'coordinates'], additionalProperties: false,
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array', description: 'RFC 7946 rings, 4 decimals' } },
});
const Area = OrNull(T.Union([PolygonGeometry, MultiPolygonGeometry], { description: 'RFC 7946 outline, 5 decimals' }));
export const CommuneFeature = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'INSEE code' }),
  geometry: OrNull(T.Union([PolygonGeometry, MultiPolygonGeometry, PointGeometry], { description: 'Outline; its centre (Point) for a commune without one in the reference data (arrondissements, newer communes)' })),
  properties: Closed({
    insee: T.String(), name: T.String(), kind: T.String({ description: 'COM commune, ARM arrondissement...' }), department_code: T.String(), region_code: OrNull(T.String()),
    parent_insee: OrNull(T.String({ description: 'Commune of an arrondissement' })), population: OrNull(T.Integer()), size_class: T.String(),
  }),
});
export const CommuneUnion = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'The INSEE codes joined by +' }), geometry: Area,
  properties: Closed({ communes: T.Array(Closed({ insee: T.String(), name: T.String() })) }),
});
export const DepartmentFeature = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'Department code' }), geometry: Area,
  properties: Closed({ code: T.String(), name: T.String(), region_code: OrNull(T.String()) }),
});
export const DepartmentOutlines = Closed({
  type: T.Literal('FeatureCollection'),
  features: T.Array(Closed({ type: T.Literal('Feature'), id: T.String({ description: 'Department code' }), properties: Closed({ code: T.String(), name: T.String() }), geometry: OrNull(DepartmentOutlineGeometry) })),
});
export const CommuneAt = Closed({ insee: T.String(), name: T.String(), department_code: T.String() });
export const DepartmentList = Closed({ items: T.Array(Closed({ code: T.String(), name: T.String(), region_code: OrNull(T.String()), region_name: OrNull(T.String()) })) });
export const SizeClassList = Closed({ items: T.Array(Closed({
  code: T.String(), label: T.String(), min_population: OrNull(T.Integer()), max_population: OrNull(T.Integer()), rank: T.Integer(),
})) });
export const ServiceList = Closed({ items: T.Array(Closed({ code: T.String(), label: T.String() })) });
