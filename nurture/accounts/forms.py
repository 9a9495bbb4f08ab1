from django import forms

from nurture.accounts.models import User


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_name"]
        labels = {"preferred_name": "What should we call you? (optional)"}
