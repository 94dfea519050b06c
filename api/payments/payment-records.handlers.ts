// The handlers that read payments, each as the caller may see it (the domain narrows a customer to their own).
import { principalOf } from '../../common/auth/middleware.ts';
import { listPayments, paymentDetail, type PaymentsContext } from '../../domain/payments/payments.ts';
import type { PaymentRecordHandlers } from './payment-records.routes.ts';
import { paymentView, refundView, transactionView } from './schemas.ts';

export function paymentRecordHandlers(ctx: PaymentsContext): PaymentRecordHandlers {
  const em = () => ctx.orm.em.fork();
  return {
    listPayments: async (c) => {
      const page = await listPayments(em(), c.req.valid('query'), principalOf(c));
      return c.json({ ...page, items: page.items.map(paymentView) }, 200);
    },
    payment: async (c) => {
      const detail = await paymentDetail(em(), c.req.valid('param').id, principalOf(c));
      return c.json(
        { ...paymentView(detail.payment), transactions: detail.transactions.map(transactionView), refunds: detail.refunds.map(refundView) },
        200,
      );
    },
  };
}
