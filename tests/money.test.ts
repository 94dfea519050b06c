import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitsPerMajor } from '../common/money.ts';
import { paymentReceipt, refundIssued } from '../domain/users/emails.ts';

describe('money shown to people', () => {
  it("uses each currency's own minor units", () => {
    expect(minorUnitsPerMajor('EUR')).toBe(100);
    expect(minorUnitsPerMajor('JPY')).toBe(1);
    expect(minorUnitsPerMajor('KWD')).toBe(1000);
    expect(formatMoney(123456, 'EUR')).toBe('EUR 1,234.56');
    expect(formatMoney(123456, 'JPY')).toBe('JPY 123,456');
    expect(formatMoney(123456, 'KWD')).toBe('KWD 123.456');
    expect(formatMoney(5, 'eur')).toBe('EUR 0.05');
  });

  it('shows a code Intl does not know as bare minor units rather than guessing', () => {
    expect(formatMoney(1234, 'EURO')).toBe('1234 EURO (minor units)');
  });

  it('formats the amounts of receipts and refunds in the currency of the payment', () => {
    const base = { paymentId: 'p1', bookingId: '0123456789abcdef', customerId: 'c1' };
    const receipt = paymentReceipt({ ...base, amountMinor: 5000, currency: 'JPY' } as Parameters<typeof paymentReceipt>[0]);
    expect(receipt.title).toBe('Receipt: JPY 5,000');
    const refund = refundIssued({ ...base, amountMinor: 1500, refundedTotalMinor: 2500, currency: 'KWD' } as Parameters<
      typeof refundIssued
    >[0]);
    expect(refund.body).toContain('We refunded KWD 1.500');
    expect(refund.body).toContain('(KWD 2.500 refunded in all)');
  });
});
