from tanto.core.order_views import screen_urls
from tanto.sales.views import SELL

app_name = "sales"

urlpatterns = screen_urls(SELL, "deliver")
