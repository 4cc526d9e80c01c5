"""The QuickBooks setup wizard, one module per step, in the order the user meets them."""

from tanto.integrations.base import SetupPipeline
from tanto.integrations.quickbooks.setup.accounts import AccountsStep
from tanto.integrations.quickbooks.setup.data_import import ImportStep
from tanto.integrations.quickbooks.setup.mode import ModeStep
from tanto.integrations.quickbooks.setup.tax import TaxStep

PIPELINE = SetupPipeline([ModeStep(), AccountsStep(), TaxStep(), ImportStep()])
