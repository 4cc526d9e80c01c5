from tanto.core.order_views import screen_urls
from tanto.purchasing.views import BUY

app_name = "purchasing"

urlpatterns = screen_urls(BUY, "receive")
