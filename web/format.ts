/** French wording shared by the pages: dates, months, commune size classes. */
export function frenchMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** A YYYY-MM-DD date as dd/mm/yyyy (read as a calendar date, whatever the browser's time zone). */
export function frenchDate(date: string): string {
  return new Date(`${date.slice(0, 10)}T00:00:00Z`).toLocaleDateString('fr-FR', { timeZone: 'UTC' });
}

export const sizeClassNames: Record<string, string> = {
  metropole: 'métropole', grande_ville: 'grande ville', ville_moyenne: 'ville moyenne', petite_ville: 'petite ville', rural: 'commune rurale',
};

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
