from django.urls import path
from django.views.generic import TemplateView

app_name = "challenges"
urlpatterns = [path("challenges/", TemplateView.as_view(template_name="base.html"), name="list")]
