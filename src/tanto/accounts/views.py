from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from tanto.accounts.forms import LoginForm
from tanto.accounts.models import Membership


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to the Sell screen of their first workspace."""
    membership = Membership.objects.filter(user=request.user).order_by("workspace_id").first()
    if membership is None:
        raise Http404("You are not a member of any workspace yet.")
    return redirect("sales:list", ws=membership.workspace_id)
