"""Transactions: Invoice, CreditMemo, Bill, JournalEntry, Payment, BillPayment.

QuickBooks computes line amounts, the SubTotal line, tax (TxnTaxDetail), TotalAmt, Balance, DocNumber and
DueDate on the server; the modules imported here do the same, and keep payments linked to what they pay.
"""

from . import journal, payments, purchases, sales

__all__ = ["journal", "payments", "purchases", "sales"]
