"""What the Sell side tells the rest of Tanto (integrations listen; the app never calls them by name)."""

from django.dispatch import Signal

# Sent after the delivery's transaction commits, with `fulfilment`.
fulfilment_recorded = Signal()
