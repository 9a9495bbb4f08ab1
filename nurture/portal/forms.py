"""The person's own account page: the details they may change themselves."""

from __future__ import annotations

from django import forms

from nurture.accounts.models import User


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_name"]
        labels = {"preferred_name": "What should we call you? (optional)"}
