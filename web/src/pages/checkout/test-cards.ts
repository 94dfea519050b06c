// The test gateway's payment methods as named cards (its names follow Stripe's test PaymentMethods).
export const TEST_CARDS = [
  { paymentMethod: 'pm_card_visa', name: 'Visa (succeeds)' },
  { paymentMethod: 'pm_card_visa_chargeDeclined', name: 'Visa declined' },
  { paymentMethod: 'pm_card_visa_chargeDeclinedInsufficientFunds', name: 'Insufficient funds' },
  { paymentMethod: 'pm_card_chargeDeclinedExpiredCard', name: 'Expired card' },
  { paymentMethod: 'pm_card_chargeDeclinedProcessingError', name: 'Processing error (then succeeds)' },
] as const;
