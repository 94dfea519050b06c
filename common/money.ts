// Amounts are kept in ISO 4217 minor units; shown to people in the currency's own digits (JPY 0, EUR 2, KWD 3).

const formats = new Map<string, Intl.NumberFormat>();

function formatOf(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code' });
    formats.set(key, format);
  }
  return format;
}

/** How many minor units make one major unit of `currency`: 1 for JPY, 100 for EUR, 1000 for KWD. */
export function minorUnitsPerMajor(currency: string): number {
  return 10 ** (formatOf(currency, 'en').resolvedOptions().maximumFractionDigits ?? 2);
}

/**
 * `1234` EUR → "EUR 12.34"; `1234` JPY → "JPY 1,234"; `1234` KWD → "KWD 1.234". A code Intl does not know as a
 * currency is shown as the bare minor units, never guessed at.
 */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const code = currency.trim().toUpperCase();
  try {
    // A plain space after the code, so a plain-text email stays 7-bit readable.
    return formatOf(code, locale)
      .format(minor / minorUnitsPerMajor(code))
      .replace(/\u00a0/g, ' ');
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return `${minor} ${code} (minor units)`;
  }
}
