/**
 * The server's own lists of codes (server/domain/vocabulary.ts) as types, and readers for answers
 * that send a code as a plain string (a point's source and products): a code of the list is kept,
 * anything else falls back rather than being passed on unchecked.
 */
import { productCodes, serviceCodes } from '../../server/domain/vocabulary';

export { productCodes, serviceCodes };
export type Source = (typeof serviceCodes)[number];
export type Product = (typeof productCodes)[number];

export const asSource = (code: string): Source => serviceCodes.find((c) => c === code) ?? 'police_nationale';
export const asProducts = (codes: string[]): Product[] => productCodes.filter((c) => codes.includes(c));
