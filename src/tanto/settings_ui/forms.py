from django import forms

from tanto.accounts.models import Workspace


class WorkspaceForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "country", "base_currency"]
        labels = {"name": "Workspace name", "base_currency": "Base currency"}
